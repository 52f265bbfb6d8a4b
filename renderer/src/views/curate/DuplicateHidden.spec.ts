import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeApp, labCore, stopApps } from '../../testing/fake-core.ts';
import DuplicateHidden from './DuplicateHidden.svelte';

afterEach(stopApps);

describe('DuplicateHidden', () => {
  it('lists hidden files and shows them all again, saying the next import brings them back', async () => {
    let files = [1, 2].map((id) => ({
      id,
      root: '/photos',
      path: `dup/${id}.jpg`,
      reason: 'duplicate',
      hiddenAt: '2025-01-01T12:00:00Z',
    }));
    const { core } = labCore(2, {
      hiddenFiles: () => ({ files }),
      unhideFiles: (p) => {
        files = files.filter((f) => !p.ids.includes(f.id));
        return { unhidden: p.ids.length };
      },
    });
    const onshown = vi.fn();
    render(DuplicateHidden, { context: fakeApp(core).context, props: { version: 0, onshown } });
    await waitFor(() => expect(screen.getAllByTestId('hidden-file')).toHaveLength(2));
    expect(screen.getByRole('heading', { name: 'Hidden files (2)' })).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Show all again' }));
    await waitFor(() => expect(core.lastParams('unhideFiles')).toEqual({ ids: [1, 2] }));
    expect(await screen.findByText('No file is hidden.')).toBeTruthy();
    expect(screen.getByRole('status').textContent).toBe(
      '2 files shown again: the next import of their folders brings them back.',
    );
    expect(onshown).toHaveBeenCalledTimes(1);
  });

  it('asks again when its version changes', async () => {
    const { core } = labCore(2, { hiddenFiles: () => ({ files: [] }) });
    const { rerender } = render(DuplicateHidden, { context: fakeApp(core).context, props: { version: 0 } });
    await waitFor(() => expect(core.paramsOf('hiddenFiles')).toHaveLength(1));
    await rerender({ version: 1 });
    await waitFor(() => expect(core.paramsOf('hiddenFiles')).toHaveLength(2));
  });
});
