import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { duplicateHandlers, fakeApp, labCore, makeItems, stopApps } from '../../testing/fake-core.ts';
import DuplicatesPanel from './DuplicatesPanel.svelte';

afterEach(() => {
  stopApps();
  window.location.hash = '';
});

// Groups {1, 2, 3} and {4, 5}; candidate pairs 6–7 and 7–8 to mark. The fake's heights grow with the id, so
// item 3 is the largest of the first group.
function show(extra = {}) {
  const items = makeItems(8);
  const handlers = duplicateHandlers(
    items,
    [
      [1, 2, 3],
      [4, 5],
    ],
    [
      [6, 7, 0.08],
      [7, 8, 0.12],
    ],
  );
  const { core } = labCore(8, { ...handlers, ...extra });
  render(DuplicatesPanel, { context: fakeApp(core).context, props: { modelId: 2, debounceMs: 0 } });
  return core;
}

const groups = () => screen.queryAllByTestId('duplicate-group').map((g) => g.getAttribute('data-key'));
const source = () => screen.getByTestId('threshold-source').textContent?.replace(/\s+/g, ' ').trim();

describe('DuplicatesPanel', () => {
  it('lists the groups and says where the threshold comes from, re-asking with a threshold the user sets', async () => {
    const core = show();
    await waitFor(() => expect(groups()).toEqual(['1-2-3', '4-5']));
    expect(core.lastParams('duplicates')).toEqual({ modelId: 2 });
    expect(screen.getByTestId('duplicates-threshold').textContent).toBe('0.100');
    expect(source()).toBe('Default, from the distance distribution — mark a few pairs to calibrate.');

    await fireEvent.input(screen.getByRole('slider', { name: 'Threshold' }), { target: { value: '0.25' } });
    await waitFor(() => expect(core.lastParams('duplicates')).toEqual({ modelId: 2, threshold: 0.25 }));
    await waitFor(() => expect(source()).toBe('Set by you.'));
    await fireEvent.click(screen.getByRole('button', { name: 'Use the automatic threshold' }));
    await waitFor(() => expect(core.lastParams('duplicates')).toEqual({ modelId: 2 }));
  });

  it('marks candidate pairs with markPair, and shows the fit once both kinds of marks exist', async () => {
    const core = show();
    await waitFor(() => expect(screen.getAllByTestId('duplicate-pair')).toHaveLength(2));
    const [first] = screen.getAllByTestId('duplicate-pair');
    expect(
      within(first)
        .getAllByRole('img')
        .map((i) => i.getAttribute('alt')),
    ).toEqual(['item-6.png', 'item-7.png']);
    await fireEvent.click(within(first).getByRole('button', { name: 'Same picture' }));
    await waitFor(() => expect(core.lastParams('markPair')).toEqual({ a: 6, b: 7, same: true }));
    await waitFor(() => expect(screen.getAllByTestId('duplicate-pair')).toHaveLength(1));

    // The keyboard: N on a focused pair says "not the same".
    const [second] = screen.getAllByTestId('duplicate-pair');
    await fireEvent.keyDown(second, { key: 'n' });
    await waitFor(() => expect(core.lastParams('markPair')).toEqual({ a: 7, b: 8, same: false }));
    await waitFor(() => expect(source()).toBe('Fitted on your 2 marks: precision 0.90, recall 0.80.'));
    expect(screen.getByTestId('duplicates-threshold').textContent).toBe('0.200');
    expect(screen.getByText('No pair left to mark near this threshold.')).toBeTruthy();
  });

  it('reviews a group side by side and hides the chosen copies after a confirm that files stay on disk', async () => {
    const core = show();
    await waitFor(() => expect(groups()).toHaveLength(2));
    await fireEvent.click(screen.getByRole('button', { name: 'Review the group of item-1.png' }));
    const review = screen.getByTestId('duplicate-review');
    const cards = within(review).getAllByTestId('duplicate-item');
    expect(cards.map((c) => c.getAttribute('data-item'))).toEqual(['1', '2', '3']);
    expect(cards[0].textContent).toContain('64×65');
    expect(cards[0].textContent).toContain('1,000 bytes, png');
    expect(cards[0].textContent).toContain('images/item-1.png');
    // Suggested: keep the largest (item 3); the user keeps item 2 as well.
    const radio = (card: HTMLElement, name: string) => within(card).getByRole('radio', { name }) as HTMLInputElement;
    expect([1, 2, 3].map((i) => radio(cards[i - 1], 'Keep').checked)).toEqual([false, false, true]);
    await fireEvent.click(radio(cards[1], 'Keep'));

    await fireEvent.click(within(review).getByRole('button', { name: 'Apply: keep 2, hide 1' }));
    const ask = within(review).getByRole('group', { name: 'Confirm: Apply: keep 2, hide 1' });
    expect(ask.textContent).toContain('Files on disk are never touched.');
    expect(core.paramsOf('reviewDuplicates')).toHaveLength(0);
    await fireEvent.click(within(ask).getByRole('button', { name: 'Hide 1 image' }));
    await waitFor(() => expect(core.lastParams('reviewDuplicates')).toEqual({ keep: [2, 3], hide: [1] }));

    // Back on the list: the group (now 2 and 3, both kept) is gone, and item 1's file is in the hidden list.
    await waitFor(() => expect(groups()).toEqual(['4-5']));
    expect(screen.getByRole('status').textContent).toContain('Kept 2 images, hid 1 image');
    await waitFor(() => expect(screen.getAllByTestId('hidden-file')).toHaveLength(1));
  });

  it('keeps every image of a group that is not a duplicate, with no confirm', async () => {
    const core = show();
    await waitFor(() => expect(groups()).toHaveLength(2));
    await fireEvent.click(screen.getByRole('button', { name: 'Review the group of item-4.png' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Keep all (not duplicates)' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Apply: keep all 2' }));
    await waitFor(() => expect(core.lastParams('reviewDuplicates')).toEqual({ keep: [4, 5], hide: [] }));
    await waitFor(() => expect(groups()).toEqual(['1-2-3']));
  });

  it('takes back a keep: Undo keep after a review, and Un-keep on a reviewed group once reviewed groups are shown', async () => {
    const core = show();
    await waitFor(() => expect(groups()).toHaveLength(2));
    await fireEvent.click(screen.getByRole('button', { name: 'Review the group of item-4.png' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Keep all (not duplicates)' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Apply: keep all 2' }));
    await waitFor(() => expect(groups()).toEqual(['1-2-3']));

    await fireEvent.click(screen.getByRole('button', { name: 'Undo keep' }));
    await waitFor(() => expect(core.lastParams('unkeepDuplicates')).toEqual({ ids: [4, 5] }));
    await waitFor(() => expect(groups()).toEqual(['1-2-3', '4-5']));
    expect(screen.getByRole('status').textContent).toContain('2 images no longer kept');
    expect(screen.queryByRole('button', { name: 'Undo keep' })).toBeNull();

    // Keep the group again; it drops out, and comes back, marked, with reviewed groups shown.
    await fireEvent.click(screen.getByRole('button', { name: 'Review the group of item-4.png' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Keep all (not duplicates)' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Apply: keep all 2' }));
    await waitFor(() => expect(groups()).toEqual(['1-2-3']));
    expect(screen.queryByRole('button', { name: 'Un-keep the group of item-1.png' })).toBeNull();
    await fireEvent.click(screen.getByRole('checkbox', { name: 'Show reviewed groups' }));
    await waitFor(() => expect(core.lastParams('duplicates')).toEqual({ modelId: 2, includeReviewed: true }));
    await waitFor(() => expect(groups()).toEqual(['1-2-3', '4-5']));
    const reviewed = screen.getAllByTestId('duplicate-group')[1];
    expect(reviewed.textContent).toContain('all kept');
    await fireEvent.click(within(reviewed).getByRole('button', { name: 'Un-keep the group of item-4.png' }));
    await waitFor(() => expect(core.lastParams('unkeepDuplicates')).toEqual({ ids: [4, 5] }));
    await waitFor(() => expect(screen.getAllByTestId('duplicate-group')[1].textContent).not.toContain('kept'));
  });

  it('shows hidden files again', async () => {
    const core = show();
    await waitFor(() => expect(groups()).toHaveLength(2));
    await fireEvent.click(screen.getByRole('button', { name: 'Review the group of item-4.png' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Apply: keep 1, hide 1' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Hide 1 image' }));
    await waitFor(() => expect(screen.getAllByTestId('hidden-file')).toHaveLength(1));
    const hidden = screen.getByRole('table', { name: 'Hidden files' });
    expect(within(hidden).getByTestId('hidden-file').textContent).toContain('images/item-4.png');
    await fireEvent.click(within(hidden).getByRole('button', { name: 'Show images/item-4.png again' }));
    await waitFor(() => expect(core.lastParams('unhideFiles')).toEqual({ ids: [1] }));
    await waitFor(() => expect(screen.getByText('No file is hidden.')).toBeTruthy());
  });

  it('shows why a review or the search failed', async () => {
    show({
      reviewDuplicates: () => {
        throw new Error('item 2 was removed');
      },
    });
    await waitFor(() => expect(groups()).toHaveLength(2));
    await fireEvent.click(screen.getByRole('button', { name: 'Review the group of item-4.png' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Apply: keep 1, hide 1' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Hide 1 image' }));
    await waitFor(() =>
      expect(screen.getAllByRole('alert').some((a) => a.textContent?.includes('item 2 was removed'))).toBe(true),
    );
    expect(screen.getByTestId('duplicate-review')).toBeTruthy();
    stopApps();
    document.body.innerHTML = '';

    const { core } = labCore(2, {
      duplicates: () => {
        throw new Error('model 3 has no image embeddings');
      },
      hiddenFiles: () => ({ files: [] }),
    });
    render(DuplicatesPanel, { context: fakeApp(core).context, props: { modelId: 3 } });
    expect((await screen.findByRole('alert')).textContent).toContain('model 3 has no image embeddings');
  });
});
