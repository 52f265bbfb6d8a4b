import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import ProbBars from './ProbBars.svelte';

describe('ProbBars', () => {
  it('shows p(class) for every class, its bar as wide as the probability, and marks the prediction', () => {
    render(ProbBars, {
      props: {
        probabilities: [0.25, 0.7, 0.05],
        colors: ['#4e79a7', '#f28e2b', '#e15759'],
        names: ['class A', 'class B'],
        predicted: 1,
        label: 'p(y = c | x)',
      },
    });
    const rows = screen.getAllByRole('row');
    expect(screen.getByRole('table', { name: 'p(y = c | x)' })).toBeTruthy();
    expect(rows.map((r) => r.querySelector('th')?.textContent)).toEqual(['class A', 'class B', 'class 3']);
    expect(screen.getAllByTestId('prob').map((td) => td.textContent)).toEqual(['0.250', '0.700', '0.050']);
    expect(rows.map((r) => r.classList.contains('win'))).toEqual([false, true, false]);
    expect((rows[1].querySelector('.bar span') as HTMLElement).style.width).toBe('70%');
  });
});
