import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import ConfirmButton from './ConfirmButton.svelte';

const props = (onconfirm: () => unknown) => ({
  label: 'Remove from lab',
  message: 'The file stays on disk.',
  confirmLabel: 'Remove',
  onconfirm,
});

describe('ConfirmButton', () => {
  it('says what confirming does before doing it, and does nothing when cancelled', async () => {
    const onconfirm = vi.fn();
    render(ConfirmButton, { props: props(onconfirm) });
    await fireEvent.click(screen.getByRole('button', { name: 'Remove from lab' }));
    const group = screen.getByRole('group', { name: 'Confirm: Remove from lab' });
    expect(group.getAttribute('aria-describedby')).toBeTruthy();
    expect(document.getElementById(group.getAttribute('aria-describedby')!)?.textContent).toBe(
      'The file stays on disk.',
    );
    await fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onconfirm).not.toHaveBeenCalled();
    await fireEvent.click(screen.getByRole('button', { name: 'Remove from lab' }));
    await fireEvent.keyDown(screen.getByRole('group'), { key: 'Escape' });
    expect(screen.queryByRole('group')).toBeNull();
    expect(onconfirm).not.toHaveBeenCalled();
  });

  it('runs the action on confirm, and shows why it failed', async () => {
    const onconfirm = vi.fn().mockRejectedValueOnce(new Error('the import of /x is working on this lab'));
    render(ConfirmButton, { props: props(onconfirm) });
    await fireEvent.click(screen.getByRole('button', { name: 'Remove from lab' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Remove' }));
    expect((await screen.findByRole('alert')).textContent).toContain('the import of /x is working on this lab');
    await fireEvent.click(screen.getByRole('button', { name: 'Remove' }));
    await waitFor(() => expect(screen.queryByRole('group')).toBeNull());
    expect(onconfirm).toHaveBeenCalledTimes(2);
  });
});
