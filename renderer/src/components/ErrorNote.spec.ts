import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import ErrorNote from './ErrorNote.svelte';

describe('ErrorNote', () => {
  it('alerts with what failed and why, and offers a retry only when it can retry', async () => {
    const onretry = vi.fn();
    render(ErrorNote, { props: { title: 'Search failed', message: 'no model', onretry } });
    expect(screen.getByRole('alert').textContent?.replace(/\s+/g, ' ').trim()).toBe(
      'Search failed: no model Try again',
    );
    await fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(onretry).toHaveBeenCalledTimes(1);
  });

  it('shows the bare message without a title or a retry button', () => {
    render(ErrorNote, { props: { message: 'database is locked' } });
    expect(screen.getByRole('alert').textContent?.trim()).toBe('database is locked');
    expect(screen.queryByRole('button')).toBeNull();
  });
});
