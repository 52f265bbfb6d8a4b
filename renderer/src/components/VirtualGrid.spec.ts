import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import VirtualGridHarness from './VirtualGridHarness.svelte';

describe('VirtualGrid', () => {
  it('renders only the rows in view (plus overscan) out of many', async () => {
    const onrange = vi.fn();
    const { container } = render(VirtualGridHarness, { props: { count: 10_000, onrange } });
    // jsdom measures 0: the grid lays out as 800 × 600, i.e. 4 columns and 6 visible rows + 2 overscan.
    const cells = container.querySelectorAll('.cell');
    expect(cells.length).toBe(32);
    expect(onrange).toHaveBeenLastCalledWith(0, 32);
    const spacer = container.querySelector('.spacer') as HTMLElement;
    expect(spacer.style.height).toBe(`${2500 * 100}px`);

    const viewport = screen.getByRole('region', { name: 'Cells' });
    viewport.scrollTop = 50_000;
    await fireEvent.scroll(viewport);
    const indices = [...container.querySelectorAll('.cell')].map((c) => Number((c as HTMLElement).dataset.index));
    expect(Math.min(...indices)).toBe(498 * 4);
    expect(indices).toContain(500 * 4);
    expect(indices.length).toBeLessThanOrEqual(40);
    expect(onrange).toHaveBeenLastCalledWith(498 * 4, 508 * 4);
  });

  it('renders a partial last row', () => {
    const { container } = render(VirtualGridHarness, { props: { count: 6, onrange: () => {} } });
    expect(container.querySelectorAll('.cell')).toHaveLength(6);
    expect(container.querySelectorAll('.grid-row')).toHaveLength(2);
  });
});
