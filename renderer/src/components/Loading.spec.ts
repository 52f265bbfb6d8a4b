import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import Loading from './Loading.svelte';

describe('Loading', () => {
  it('announces what is loading as a polite status', () => {
    render(Loading, { props: { label: 'Evaluating…' } });
    const status = screen.getByRole('status');
    expect(status.textContent).toBe('Evaluating…');
    expect(status.getAttribute('aria-live')).toBe('polite');
  });

  it('says "Loading…" when given no label', () => {
    render(Loading, { props: {} });
    expect(screen.getByRole('status').textContent).toBe('Loading…');
  });
});
