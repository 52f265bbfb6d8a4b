import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import LinePlot from './LinePlot.svelte';

const props = {
  title: 'Validation recall',
  xLabel: 'epoch',
  yLabel: 'recall',
  x: [1, 2, 3],
  series: [
    { label: 'R@1', values: [0.1, null, 0.25] },
    { label: 'R@5', values: [0.3, 0.4, 0.5] },
  ],
  testid: 'recall-plot',
};

describe('LinePlot', () => {
  it('states the last point of every series for screen readers and tests', () => {
    render(LinePlot, { props });
    expect(screen.getByTestId('recall-plot').getAttribute('aria-label')).toBe('Validation recall');
    expect(screen.getByTestId('plot-last').textContent).toBe('last epoch 3: R@1 0.250, R@5 0.500');
  });

  it('opens a data table with every point, gaps shown as dashes', async () => {
    const { container } = render(LinePlot, { props: { ...props, x: [0.5, 2, 3] } });
    expect(screen.getByText('Data (3 points)')).toBeTruthy();
    expect(screen.queryAllByRole('row')).toHaveLength(0);
    // jsdom does not toggle <details> on a summary click; open it as the browser would.
    const details = container.querySelector('details')!;
    details.open = true;
    await fireEvent(details, new Event('toggle'));
    const rows = screen.getAllByRole('row').map((r) => Array.from(r.children, (c) => c.textContent));
    expect(rows).toEqual([
      ['epoch', 'R@1', 'R@5'],
      ['0.500', '0.100', '0.300'],
      ['2', '—', '0.400'],
      ['3', '0.250', '0.500'],
    ]);
  });

  it('counts a single point in the singular', () => {
    render(LinePlot, { props: { ...props, x: [1], series: [{ label: 'loss', values: [2] }] } });
    expect(screen.getByText('Data (1 point)')).toBeTruthy();
  });

  it('says when there is nothing to draw yet', () => {
    render(LinePlot, { props: { ...props, x: [], series: [{ label: 'loss', values: [] }] } });
    expect(screen.getByText('No data yet.')).toBeTruthy();
    expect(screen.queryByTestId('plot-last')).toBeNull();
  });
});
