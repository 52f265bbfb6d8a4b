import { render } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeApp, labCore } from '../testing/fake-core.ts';
import Thumb from './Thumb.svelte';

afterEach(() => vi.useRealTimers());

describe('Thumb', () => {
  it('shows the thumbnail from the media URL', () => {
    const app = fakeApp(labCore(1).core);
    const { container } = render(Thumb, { context: app.context, props: { itemId: 4, alt: 'cat' } });
    expect(container.querySelector('img')?.getAttribute('src')).toBe('/media/thumb/4');
    app.stop();
  });

  it('asks for a delayed thumbnail only once it has stayed on screen', async () => {
    vi.useFakeTimers();
    const app = fakeApp(labCore(1).core);
    const first = render(Thumb, { context: app.context, props: { itemId: 4, delayMs: 100 } });
    expect(first.container.querySelector('img')).toBeNull();
    await vi.advanceTimersByTimeAsync(100);
    expect(first.container.querySelector('img')?.getAttribute('src')).toBe('/media/thumb/4');

    const gone = render(Thumb, { context: app.context, props: { itemId: 5, delayMs: 100 } });
    await vi.advanceTimersByTimeAsync(50);
    gone.unmount();
    await vi.advanceTimersByTimeAsync(100);
    expect(document.querySelector('img[src="/media/thumb/5"]')).toBeNull();
    app.stop();
  });
});
