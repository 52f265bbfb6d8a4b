import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DuplicateGroup, DuplicateItem } from '$api/curation-contract.ts';
import { fakeApp, labCore, stopApps } from '../../testing/fake-core.ts';
import DuplicateReview, { largest } from './DuplicateReview.svelte';

afterEach(stopApps);

const item = (id: number, over: Partial<DuplicateItem> = {}): DuplicateItem => ({
  item: id,
  path: `img/${id}.jpg`,
  root: '/photos',
  width: 100,
  height: 100,
  bytes: 5000,
  format: 'jpeg',
  kept: false,
  ...over,
});
const group = (items: DuplicateItem[]): DuplicateGroup => ({
  key: items.map((i) => i.item).join('-'),
  items,
  distance: 0,
  exact: true,
});

function show(g: DuplicateGroup, onapply = vi.fn().mockResolvedValue(undefined)) {
  const onback = vi.fn();
  render(DuplicateReview, { context: fakeApp(labCore(2).core).context, props: { group: g, onapply, onback } });
  return { onapply, onback };
}
const choice = (id: number) =>
  within(screen.getByTestId('duplicate-review'))
    .getAllByTestId('duplicate-item')
    .find((c) => c.dataset.item === String(id))!;

describe('DuplicateReview', () => {
  it('suggests keeping the largest image: most pixels, then most bytes', () => {
    expect(largest([item(1), item(2, { width: 200 }), item(3)])?.item).toBe(2);
    expect(largest([item(1), item(2, { bytes: 9000 })])?.item).toBe(2);
    expect(largest([item(4), item(3)])?.item).toBe(3);
  });

  it('hides every image only after a confirm that says so, and keeps the largest only on request', async () => {
    const { onapply } = show(group([item(1), item(2, { width: 300, kept: true })]));
    expect(screen.getByRole('heading', { name: 'Group of 2 images' })).toBeTruthy();
    expect(choice(2).textContent).toContain('Kept in an earlier review');
    await fireEvent.click(within(choice(2)).getByRole('radio', { name: 'Hide from lab' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Apply: keep 0, hide 2' }));
    expect(screen.getByRole('group', { name: 'Confirm: Apply: keep 0, hide 2' }).textContent).toContain(
      'Hide 2 images from the lab (every image of this group)?',
    );
    await fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Keep the largest only' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Apply: keep 1, hide 1' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Hide 1 image' }));
    await waitFor(() => expect(onapply).toHaveBeenCalledWith({ keep: [2], hide: [1] }));
  });

  it('goes back to the groups', async () => {
    const { onback } = show(group([item(1), item(2)]));
    await fireEvent.click(screen.getByRole('button', { name: '← Back to the groups' }));
    expect(onback).toHaveBeenCalledTimes(1);
  });
});
