import { configure } from '@testing-library/svelte';
// jsdom lacks a canvas and ResizeObserver: plots fall back to their data tables (canDraw() is false)
// and bind:clientWidth measures 0.
HTMLCanvasElement.prototype.getContext = (() => null) as typeof HTMLCanvasElement.prototype.getContext;

if (!('ResizeObserver' in globalThis)) {
  class ResizeObserverStub {
    observe(): void {}
    unobserve(): void {}
    disconnect(): void {}
  }
  globalThis.ResizeObserver = ResizeObserverStub as unknown as typeof ResizeObserver;
}

if (!URL.createObjectURL) URL.createObjectURL = () => 'blob:fake';
if (!URL.revokeObjectURL) URL.revokeObjectURL = () => {};

// uPlot reads the pixel ratio through matchMedia when it loads.
if (!window.matchMedia) {
  window.matchMedia = ((query: string) => ({
    matches: false,
    media: query,
    onchange: null,
    addListener: () => {},
    removeListener: () => {},
    addEventListener: () => {},
    removeEventListener: () => {},
    dispatchEvent: () => false,
  })) as typeof window.matchMedia;
}

// Debounced views answer after a few hundred milliseconds; on a busy two-core machine the default
// one-second wait of findBy/waitFor is too tight.
configure({ asyncUtilTimeout: 5000 });
