import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import ViewTabsHarness from './ViewTabsHarness.svelte';

describe('ViewTabs', () => {
  it('switches with a click or the arrow keys, shows the blurb, and keeps an opened panel mounted', async () => {
    const mounts: Record<string, number> = {};
    render(ViewTabsHarness, { props: { mounts } });
    expect(screen.getByRole('tab', { name: 'Alpha', selected: true })).toBeTruthy();
    expect(screen.getByText('The first tab.')).toBeTruthy();
    const field = screen.getByRole('textbox', { name: 'Field of a' }) as HTMLInputElement;
    field.value = 'typed';
    // Unopened panels are not mounted yet.
    expect(screen.queryByRole('textbox', { name: 'Field of b', hidden: true })).toBeNull();

    await fireEvent.click(screen.getByRole('tab', { name: 'Beta' }));
    expect(screen.getByRole('tab', { name: 'Beta', selected: true })).toBeTruthy();
    expect(screen.getByText('The second tab.')).toBeTruthy();
    expect(screen.getByRole('tabpanel', { name: 'Beta' }).hidden).toBe(false);
    expect(document.getElementById('h-panel-a')?.hidden).toBe(true);

    // Arrow keys wrap around and move the focus to the tab chosen.
    await fireEvent.keyDown(screen.getByRole('tab', { name: 'Beta' }), { key: 'ArrowLeft' });
    expect(screen.getByRole('tab', { name: 'Alpha', selected: true })).toBeTruthy();
    await fireEvent.keyDown(screen.getByRole('tab', { name: 'Alpha' }), { key: 'ArrowLeft' });
    expect(screen.getByRole('tab', { name: 'Gamma', selected: true })).toBe(document.activeElement);

    await fireEvent.keyDown(screen.getByRole('tab', { name: 'Gamma' }), { key: 'ArrowRight' });
    // Back on the first tab: the same panel, never mounted again, keeps what was typed.
    expect((screen.getByRole('textbox', { name: 'Field of a' }) as HTMLInputElement).value).toBe('typed');
    expect(mounts).toEqual({ a: 1, b: 1, c: 1 });
  });
});
