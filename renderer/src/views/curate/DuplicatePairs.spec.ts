import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeApp, labCore, stopApps } from '../../testing/fake-core.ts';
import DuplicatePairs from './DuplicatePairs.svelte';

afterEach(stopApps);

const pair = (a: number, b: number, distance: number) => ({
  a: { item: a, path: `x/${a}.png` },
  b: { item: b, path: `x/${b}.png` },
  distance,
});

describe('DuplicatePairs', () => {
  it('says on which side of the threshold each pair is, and shows why a mark failed', async () => {
    const onmark = vi.fn().mockRejectedValue(new Error('item 2 is not in the lab'));
    render(DuplicatePairs, {
      context: fakeApp(labCore(2).core).context,
      props: { candidates: [pair(1, 2, 0.05), pair(3, 4, 0.2)], threshold: 0.1, onmark },
    });
    const [near, far] = screen.getAllByTestId('duplicate-pair');
    expect(near.textContent).toContain('distance 0.050 (within the threshold)');
    expect(far.textContent).toContain('distance 0.200 (beyond the threshold)');
    expect(near.getAttribute('aria-label')).toBe('1.png and 2.png, distance 0.050');
    await fireEvent.keyDown(near, { key: 's' });
    expect(onmark).toHaveBeenCalledWith(1, 2, true);
    expect((await within(near).findByRole('alert')).textContent).toContain('item 2 is not in the lab');
    expect(within(far).queryByRole('alert')).toBeNull();
  });

  it('says when nothing is left to mark', () => {
    render(DuplicatePairs, {
      context: fakeApp(labCore(2).core).context,
      props: { candidates: [], threshold: 0.1, onmark: vi.fn() },
    });
    expect(screen.getByText('No pair left to mark near this threshold.')).toBeTruthy();
  });
});
