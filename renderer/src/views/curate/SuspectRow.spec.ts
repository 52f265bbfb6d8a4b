import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Suspect } from '$api/curation-contract.ts';
import { fakeApp, labCore, stopApps } from '../../testing/fake-core.ts';
import SuspectRow from './SuspectRow.svelte';

afterEach(stopApps);

const suspect = (over: Partial<Suspect> = {}): Suspect => ({
  item: 7,
  path: 'cats/felix.png',
  label: 'Flags',
  vote: 'Animals',
  score: 0.75,
  pLabel: 0.25,
  pVote: 0.625,
  agreement: 0.5,
  confirmed: false,
  neighbours: [
    { itemId: 8, path: 'cats/tom.png', label: 'Animals', distance: 0.12 },
    { itemId: 9, path: 'flags/fr.png', label: 'Flags', distance: 0.2 },
  ],
  ...over,
});

function show(over: Partial<Suspect> = {}, props = {}) {
  const on = { onrelabel: vi.fn(), onconfirm: vi.fn(), onundo: vi.fn() };
  render(SuspectRow, {
    context: fakeApp(labCore(3).core).context,
    props: {
      suspect: suspect(over),
      labels: ['Animals', 'Flags', 'Food'],
      relabeledFrom: null,
      busy: false,
      ...on,
      ...props,
    },
  });
  return { on, row: screen.getByTestId('suspect-row') };
}

describe('SuspectRow', () => {
  it('says the label, the vote with both p, the score, the other models and each neighbour with its label', () => {
    const { row } = show();
    expect(row.getAttribute('aria-label')).toBe('felix.png: labeled Flags, neighbours vote Animals');
    expect(row.textContent).toContain('Neighbours vote Animals (p = 0.63; Flags: 0.25)');
    expect(row.textContent).toContain('score 0.75');
    expect(row.textContent).toContain('other models agree: 50 %');
    const neighbours = within(row).getAllByRole('listitem');
    expect(neighbours.map((n) => n.textContent?.trim())).toEqual(['Animals', 'Flags']);
    expect(neighbours.map((n) => n.classList.contains('agree'))).toEqual([true, false]);
  });

  it('offers the classes other than the label, the vote last in line', async () => {
    const { on, row } = show();
    const select = within(row).getByRole('combobox', { name: 'Another class for felix.png' }) as HTMLSelectElement;
    expect(Array.from(select.options, (o) => o.value)).toEqual(['Animals', 'Food']);
    expect(select.value).toBe('Food');
    await fireEvent.click(within(row).getByRole('button', { name: 'Relabel' }));
    expect(on.onrelabel).toHaveBeenCalledWith('Food');
  });

  it('takes keys on the row but not in its select, and none while busy', async () => {
    const { on, row } = show();
    await fireEvent.keyDown(within(row).getByRole('combobox'), { key: 'r' });
    expect(on.onrelabel).not.toHaveBeenCalled();
    await fireEvent.keyDown(row, { key: 'R' });
    expect(on.onrelabel).toHaveBeenCalledWith('Animals');
    await fireEvent.keyDown(row, { key: 'u' });
    expect(on.onundo).toHaveBeenCalledTimes(1);
    stopApps();
    document.body.innerHTML = '';
    const busy = show({}, { busy: true });
    await fireEvent.keyDown(busy.row, { key: 'c' });
    expect(busy.on.onconfirm).not.toHaveBeenCalled();
  });

  it('shows a confirmed label with a way to take it back, and no relabel-as-vote once the label is the vote', async () => {
    const { on, row } = show({ confirmed: true, label: 'Animals' }, { relabeledFrom: 'Flags' });
    expect(within(row).getByRole('status').textContent).toBe('Relabeled Flags → Animals');
    expect(within(row).queryByRole('button', { name: /^Relabel as/ })).toBeNull();
    await fireEvent.click(within(row).getByRole('button', { name: 'Not sure any more' }));
    expect(on.onconfirm).toHaveBeenCalledWith(false);
  });
});
