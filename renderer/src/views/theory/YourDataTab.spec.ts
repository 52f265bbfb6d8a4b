import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { Results } from '$api/contract.ts';
import { fakeApp } from '../../testing/fake-core.ts';
import { theoryCore, yourDataSpaces } from '../../testing/fake-theory.ts';
import YourDataTab from './YourDataTab.svelte';

let stop = () => {};
afterEach(() => stop());

const N = 60;
const NAMES = ['Animals', 'Flags', 'Food'];
type Matrix = Parameters<typeof yourDataSpaces>[0]['matrices'][number];

/** A lab of 60 images in 3 classes: an embedding that separates them, and pixels that barely do. */
function yourData(withModel: boolean): Results['theoryYourData'] {
  const labels = Int32Array.from({ length: N }, (_, i) => i % 3);
  const isTest = Uint8Array.from({ length: N }, (_, i) => (i % 4 === 3 ? 1 : 0));
  const matrix = (kind: Matrix['kind'], dim: number, signal: number): Matrix => ({
    kind,
    title: kind === 'embedding' ? 'Learned embedding' : 'Raw pixels (8×8 RGB)',
    dim,
    data: Float32Array.from({ length: N * dim }, (_, k) => {
      const i = Math.floor(k / dim);
      const j = k % dim;
      return (j === labels[i] ? signal : 0) + Math.sin(i * 12.9898 + j * 78.233) * 0.5;
    }),
  });
  const matrices = withModel ? [matrix('embedding', 8, 3), matrix('pixels', 192, 0.2)] : [matrix('pixels', 192, 0.2)];
  return {
    note: withModel ? null : 'No trained model yet, so only raw pixels are shown.',
    classNames: NAMES,
    itemIds: Array.from({ length: N }, (_, i) => 100 + i),
    isTest: Array.from(isTest, (t) => t === 1),
    leftOut: 2,
    spaces: yourDataSpaces({ matrices, labels, numClasses: 3, isTest, kMax: 30, seed: 1 }),
  };
}

function show(extra: Parameters<typeof theoryCore>[0]) {
  const core = theoryCore(extra);
  const app = fakeApp(core);
  stop = app.stop;
  render(YourDataTab, { context: app.context });
  return core;
}

const text = (id: string) => (screen.getByTestId(id).textContent ?? '').replace(/\s+/g, ' ');

describe('YourDataTab', () => {
  it('shows the embedding beside the raw pixels of the same images, with regions that follow K', async () => {
    const core = show({ theoryYourData: () => yourData(true) });
    await waitFor(() => expect(screen.getByTestId('space-embedding-plane').getAttribute('data-raster')).toBeTruthy());
    await waitFor(() => expect(screen.getByTestId('space-pixels-plane').getAttribute('data-raster')).toBeTruthy());
    expect(screen.queryByTestId('yourdata-note')).toBeNull();
    expect(screen.getAllByRole('listitem').map((li) => li.textContent)).toEqual(NAMES);
    expect(text('space-embedding-status')).toMatch(/^8 numbers per image/);
    expect(text('space-pixels-status')).toMatch(/^192 numbers per image.*K = 5: test error/);
    expect(core.lastParams('theoryYourData')).toEqual({ limit: 600, pixelSize: 32, maxClasses: 10, kMax: 500 });
    // Regions are trained on the training images only.
    const trained = core.paramsOf('theoryRegions').map((p) => p.data.labels.length);
    expect(trained).toEqual([45, 45]);

    const before = screen.getByTestId('space-pixels-plane').getAttribute('data-raster');
    await fireEvent.change(screen.getByLabelText('K (neighbours) value'), { target: { value: '15' } });
    await waitFor(() => expect(core.lastParams('theoryRegions')?.K).toBe(15));
    await waitFor(() => expect(screen.getByTestId('space-pixels-plane').getAttribute('data-raster')).not.toBe(before));
    expect(text('space-embedding-status')).toMatch(/K = 15: test error/);

    await fireEvent.change(screen.getByLabelText('Raw pixels shrunk to'), { target: { value: '16' } });
    await waitFor(() => expect(core.lastParams('theoryYourData')?.pixelSize).toBe(16));
  });

  it('says when only pixels can be shown, and explains a lab without labels', async () => {
    show({ theoryYourData: () => yourData(false) });
    expect((await screen.findByTestId('yourdata-note')).textContent).toMatch(/No trained model/);
    expect(screen.queryByTestId('space-embedding-plane')).toBeNull();
    expect(screen.getByTestId('space-pixels-plane')).toBeTruthy();
    stop();
    document.body.innerHTML = '';

    show({
      theoryYourData: () => {
        throw new Error('Decision regions need at least 10 labelled images in 2 or more classes');
      },
    });
    expect((await screen.findByRole('alert')).textContent).toMatch(/at least 10 labelled images/);
  });
});
