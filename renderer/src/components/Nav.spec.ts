import { render, screen, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../routes.ts';
import Nav from './Nav.svelte';

describe('Nav', () => {
  it('links every view by its hash route, in order, and marks the current one', () => {
    render(Nav, { props: { routes: ROUTES, current: 'search' } });
    const links = within(screen.getByRole('navigation', { name: 'Views' })).getAllByRole('link');
    expect(links.map((a) => [a.textContent, a.getAttribute('href')])).toEqual([
      ['Library', '#/library'],
      ['Train', '#/train'],
      ['Search', '#/search'],
      ['Classify', '#/classify'],
      ['Curate', '#/curate'],
      ['Map', '#/map'],
      ['Theory', '#/theory'],
    ]);
    expect(links.filter((a) => a.getAttribute('aria-current') === 'page').map((a) => a.textContent)).toEqual([
      'Search',
    ]);
  });
});
