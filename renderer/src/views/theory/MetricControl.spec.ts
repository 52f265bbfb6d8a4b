import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { PlaneMetric } from './types.ts';
import MetricControl from './MetricControl.svelte';

/** MetricControl with `metric` bound: `bound.metric` is what the parent holds. */
function control(metric: PlaneMetric) {
  const bound = { metric };
  render(MetricControl, {
    props: {
      get metric() {
        return bound.metric;
      },
      set metric(m: PlaneMetric) {
        bound.metric = m;
      },
      id: 'pg',
    },
  });
  return bound;
}

describe('MetricControl', () => {
  it('switches between L1, L2 and a Mahalanobis metric that starts from the last matrix', async () => {
    const bound = control({ kind: 'l2' });
    expect((screen.getByRole('radio', { name: 'L2' }) as HTMLInputElement).checked).toBe(true);
    expect(screen.queryByRole('group', { name: 'Matrix M' })).toBeNull();
    await fireEvent.click(screen.getByRole('radio', { name: 'L1' }));
    expect(bound.metric).toEqual({ kind: 'l1' });
    await fireEvent.click(screen.getByRole('radio', { name: 'Mahalanobis' }));
    expect(bound.metric).toEqual({ kind: 'mahalanobis', M: [4, 0, 0, 1] });
  });

  it('keeps M symmetric, applies presets and warns when M is not positive semi-definite', async () => {
    const bound = control({ kind: 'mahalanobis', M: [2, 0, 0, 2] });
    const entry = (name: string) => screen.getByLabelText(name) as HTMLInputElement;
    await fireEvent.change(entry('M row 1 column 2'), { target: { value: '1' } });
    expect(bound.metric).toEqual({ kind: 'mahalanobis', M: [2, 1, 1, 2] });
    expect(entry('M row 2 column 1 (same as row 1 column 2)').value).toBe('1');
    expect(screen.getByText(/det M = 3\.00/)).toBeTruthy();

    await fireEvent.change(entry('M row 1 column 2'), { target: { value: '3' } });
    expect(screen.getByText('M must be positive semi-definite (det M = -5.00).')).toBeTruthy();

    await fireEvent.click(screen.getByRole('button', { name: 'Tilted' }));
    expect(bound.metric).toEqual({ kind: 'mahalanobis', M: [2, 1.5, 1.5, 2] });
    expect(entry('M row 1 column 1').value).toBe('2');
    expect(screen.queryByText(/must be positive semi-definite/)).toBeNull();
  });
});
