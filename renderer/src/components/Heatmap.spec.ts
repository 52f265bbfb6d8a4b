import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import Heatmap from './Heatmap.svelte';

const props = {
  rows: ['cat', 'dog'],
  columns: ['cat', 'dog'],
  matrix: [
    [3, 1],
    [0, 5],
  ],
  caption: 'Confusion',
};

describe('Heatmap', () => {
  it('draws one cell per pair, shaded by the share of its row', () => {
    render(Heatmap, { props });
    const cell = screen.getByLabelText('cat predicted as dog: 1');
    expect(cell.textContent?.trim()).toBe('1');
    expect(cell.style.backgroundColor).toContain('0.225');
    expect(screen.getByLabelText('dog predicted as dog: 5').classList.contains('diag')).toBe(true);
    expect(screen.getByLabelText('dog predicted as cat: 0').textContent?.trim()).toBe('');
    // Without a taker the cells are plain table cells, out of the tab order.
    expect(screen.queryByRole('grid')).toBeNull();
    expect(cell.getAttribute('tabindex')).toBeNull();
  });

  it('with oncell, a clicked cell or Enter on the focused one names its row and column; arrows move the focus', async () => {
    const oncell = vi.fn();
    const { rerender } = render(Heatmap, { props: { ...props, oncell } });
    expect(screen.getByRole('grid')).toBeTruthy();
    const cells = screen.getAllByRole('gridcell');
    expect(cells.map((c) => c.getAttribute('tabindex'))).toEqual(['0', '-1', '-1', '-1']);

    await fireEvent.click(screen.getByLabelText('cat predicted as dog: 1'));
    expect(oncell).toHaveBeenLastCalledWith('cat', 'dog');

    const first = screen.getByLabelText('cat predicted as dog: 1');
    first.focus();
    await fireEvent.keyDown(first, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(screen.getByLabelText('dog predicted as dog: 5'));
    await fireEvent.keyDown(document.activeElement!, { key: 'ArrowLeft' });
    expect(document.activeElement).toBe(screen.getByLabelText('dog predicted as cat: 0'));
    expect(screen.getByLabelText('dog predicted as cat: 0').getAttribute('tabindex')).toBe('0');
    await fireEvent.keyDown(document.activeElement!, { key: 'Enter' });
    expect(oncell).toHaveBeenLastCalledWith('dog', 'cat');
    expect(oncell).toHaveBeenCalledTimes(2);

    await rerender({ selected: { row: 'dog', column: 'cat' } });
    expect(screen.getByLabelText('dog predicted as cat: 0').getAttribute('aria-selected')).toBe('true');
    expect(screen.getByLabelText('cat predicted as cat: 3').getAttribute('aria-selected')).toBe('false');
  });
});
