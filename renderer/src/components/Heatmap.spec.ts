import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import Heatmap from './Heatmap.svelte';

describe('Heatmap', () => {
  it('draws one cell per pair, shaded by the share of its row', () => {
    render(Heatmap, {
      props: {
        rows: ['cat', 'dog'],
        columns: ['cat', 'dog'],
        matrix: [
          [3, 1],
          [0, 5],
        ],
        caption: 'Confusion',
      },
    });
    const cell = screen.getByLabelText('cat predicted as dog: 1');
    expect(cell.textContent?.trim()).toBe('1');
    expect(cell.style.backgroundColor).toContain('0.225');
    expect(screen.getByLabelText('dog predicted as dog: 5').classList.contains('diag')).toBe(true);
    expect(screen.getByLabelText('dog predicted as cat: 0').textContent?.trim()).toBe('');
  });
});
