import { render, screen } from '@testing-library/svelte';
import { createRawSnippet } from 'svelte';
import { describe, expect, it } from 'vitest';
import EmptyState from './EmptyState.svelte';

describe('EmptyState', () => {
  it('shows its title and, below it, what the caller puts inside', () => {
    const children = createRawSnippet(() => ({ render: () => '<button type="button">Train a model</button>' }));
    const { container } = render(EmptyState, { props: { title: 'No trained model yet', children } });
    expect(container.querySelector('.title')?.textContent).toBe('No trained model yet');
    expect(container.querySelector('.body')?.contains(screen.getByRole('button', { name: 'Train a model' }))).toBe(
      true,
    );
  });

  it('has no body without children', () => {
    const { container } = render(EmptyState, { props: { title: 'No items match these filters' } });
    expect(screen.getByText('No items match these filters')).toBeTruthy();
    expect(container.querySelector('.body')).toBeNull();
  });
});
