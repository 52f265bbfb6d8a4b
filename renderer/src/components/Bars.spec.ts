import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import Bars from './Bars.svelte';

describe('Bars', () => {
  it('lists values largest first as percentages and marks the highlight', () => {
    render(Bars, { props: { values: { cat: 0.2, dog: 0.7, fish: 0.1 }, label: 'p(label | image)', highlight: 'dog' } });
    const items = screen.getAllByRole('listitem');
    expect(items.map((li) => li.getAttribute('aria-label'))).toEqual(['dog: 70.0 %', 'cat: 20.0 %', 'fish: 10.0 %']);
    expect(items[0].classList.contains('top')).toBe(true);
    expect((items[0].querySelector('.fill') as HTMLElement).style.width).toBe('70%');
  });

  it('shows how many were left out', () => {
    const values = Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`l${i}`, i / 100]));
    render(Bars, { props: { values, label: 'votes', max: 12 } });
    expect(screen.getAllByRole('listitem')).toHaveLength(12);
    expect(screen.getByText('and 3 more')).toBeTruthy();
  });
});
