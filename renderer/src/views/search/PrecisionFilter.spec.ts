import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeApp, labCore, makeCalibration, stopApps } from '../../testing/fake-core.ts';
import PrecisionFilter from './PrecisionFilter.svelte';

afterEach(stopApps);

const note = () => screen.getByTestId('precision-note').textContent?.replace(/\s+/g, ' ').trim();

describe('PrecisionFilter', () => {
  it('calibrates only when switched on with a text query, for the precision and model chosen', async () => {
    const { core } = labCore(4, { calibrate: (p) => makeCalibration(p) });
    const { rerender } = render(PrecisionFilter, {
      context: fakeApp(core).context,
      props: { text: 'red apple', modelId: 5, on: false, precision: 0.9 },
    });
    expect(screen.queryByTestId('precision-note')).toBeNull();
    await fireEvent.click(
      screen.getByRole('checkbox', { name: 'Only results with ≥ 90 % precision on your val split' }),
    );
    await waitFor(() => expect(note()).toMatch(/^Score ≥ 0\.700: 91\.0 % precision/));
    expect(note()).toMatch(/relevant = the 12 items whose captions hold every word of the query\.$/);
    expect(core.lastParams('calibrate')).toEqual({
      query: { text: 'red apple' },
      precision: 0.9,
      split: 'val',
      modelId: 5,
    });
    await rerender({ text: null });
    expect(screen.queryByTestId('precision-note')).toBeNull();
    expect(core.paramsOf('calibrate')).toHaveLength(1);
  });

  it('says when no val item is relevant to the query', async () => {
    const { core } = labCore(4, { calibrate: (p) => makeCalibration(p, { threshold: null, relevant: 0 }) });
    render(PrecisionFilter, {
      context: fakeApp(core).context,
      props: { text: 'zebra', on: true, precision: 0.8 },
    });
    await waitFor(() =>
      expect(note()).toBe(
        'No threshold: no val item is relevant to this query (it names no label, and no caption holds all its words), so nothing is hidden.',
      ),
    );
  });
});
