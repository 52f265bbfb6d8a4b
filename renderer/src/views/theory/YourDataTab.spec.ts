import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { Results } from '$api/contract.ts';
import { fakeApp } from '../../testing/fake-core.ts';
import { theoryCore, yourDataSpaces } from '../../testing/fake-theory.ts';
import { fitBox, toCanvas } from './plane.ts';
import YourDataTab from './YourDataTab.svelte';

let stop = () => {};
/** A colour as the DOM writes it back (jsdom turns hex into rgb()). */
const cssColor = (c: string) => {
  const el = document.createElement('i');
  el.style.backgroundColor = c;
  return el.style.backgroundColor;
};
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

  it('colours each class by its label as every view does, whatever classes the sample holds', async () => {
    const core = theoryCore({
      theoryYourData: () => ({ ...yourData(true), classNames: ['Flags', 'Food', 'Animals'] }),
    });
    const app = fakeApp(core);
    stop = app.stop;
    render(YourDataTab, { context: app.context });
    const legend = await screen.findByRole('list', { name: 'Classes' });
    await waitFor(() => expect(app.app.lab.info).not.toBeNull());
    const swatch = (name: string) =>
      (
        within(legend).getByText(name).querySelector('.swatch') ?? within(legend).getByText(name).firstElementChild
      )?.getAttribute('style') ?? '';
    for (const name of ['Flags', 'Food', 'Animals']) {
      expect(swatch(name)).toContain(cssColor(app.app.lab.labelColor(name)));
    }
  });

  it('shows the hover card beside the hovered point, in the view it was hovered in', async () => {
    const data = yourData(true);
    show({ theoryYourData: () => data });
    const plane = await screen.findByTestId('space-embedding-plane');
    const space = data.spaces[0];
    const [px, py] = toCanvas(
      { box: fitBox(space.box, 460, 360), width: 460, height: 360 },
      space.data.points[0],
      space.data.points[1],
    );
    // jsdom lays nothing out: client coordinates are canvas pixels.
    await fireEvent.mouseMove(plane, { clientX: px, clientY: py });
    const card = await screen.findByTestId('yourdata-hover');
    expect(card.textContent).toContain('image #100');
    expect(card.closest('section')?.getAttribute('aria-labelledby')).toBe('space-embedding');
    expect(card.style.left).toBe(`${(px / 460) * 100}%`);
    expect(card.style.top).toBe(`${(py / 360) * 100}%`);
  });
});
