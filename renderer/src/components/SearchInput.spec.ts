import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import { focusSearchBox } from '../lib/search-focus.ts';
import SearchInput from './SearchInput.svelte';

describe('SearchInput', () => {
  it('clears on Escape, submits on Enter and is what `/` focuses', async () => {
    const onsubmit = vi.fn();
    const { unmount } = render(SearchInput, { props: { value: 'red apple', label: 'Search text', onsubmit } });
    const input = screen.getByRole('searchbox', { name: 'Search text' }) as HTMLInputElement;
    expect(input.value).toBe('red apple');
    await fireEvent.keyDown(input, { key: 'Enter' });
    expect(onsubmit).toHaveBeenCalledWith('red apple');
    await fireEvent.keyDown(input, { key: 'Escape' });
    expect(input.value).toBe('');

    expect(focusSearchBox()).toBe(true);
    expect(document.activeElement).toBe(input);
    unmount();
    expect(focusSearchBox()).toBe(false);
  });

  it('does not register when it is not the primary box', () => {
    render(SearchInput, { props: { value: '', label: 'Other', primary: false } });
    expect(focusSearchBox()).toBe(false);
  });
});
