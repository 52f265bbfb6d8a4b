import { render, screen, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import Legend from './Legend.svelte';

describe('Legend', () => {
  it('lists every entry with its colour swatch and count under its title', () => {
    render(Legend, {
      props: {
        title: 'Labels',
        entries: [
          { name: 'Flags', color: '#4e79a7', count: 12 },
          { name: 'no label', color: '#bab0ac', count: 3 },
        ],
      },
    });
    expect(screen.getByRole('heading', { name: 'Labels' })).toBeTruthy();
    const items = within(screen.getByRole('list', { name: 'Legend: Labels' })).getAllByRole('listitem');
    expect(
      items.map((li) => [li.querySelector('.name')?.textContent, li.querySelector('.count')?.textContent]),
    ).toEqual([
      ['Flags', '12'],
      ['no label', '3'],
    ]);
    expect((items[0].querySelector('.swatch') as HTMLElement).style.backgroundColor).toBe('rgb(78, 121, 167)');
  });
});
