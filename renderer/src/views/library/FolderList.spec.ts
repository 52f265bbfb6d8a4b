import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeApp, labCore, stopApps } from '../../testing/fake-core.ts';
import FolderList from './FolderList.svelte';

afterEach(stopApps);

const roots = [
  { path: '/data/sample', items: 319, lastImport: '2025-01-01T12:00:00.000Z', lastStatus: 'done' },
  { path: '/photos', items: 1, lastImport: null, lastStatus: null },
];

describe('FolderList', () => {
  it('lists the imported folders with their items', () => {
    const { context } = fakeApp(labCore(1).core);
    render(FolderList, { context, props: { roots } });
    const rows = within(screen.getByRole('group', { name: 'Folders' })).getAllByRole('listitem');
    expect(rows.map((r) => r.querySelector('.what')?.textContent?.replace(/\s+/g, ' ').trim())).toEqual([
      expect.stringMatching(/^\/data\/sample 319 items · imported /),
      '/photos 1 item',
    ]);
  });

  it('shows nothing without a folder', () => {
    render(FolderList, { context: fakeApp(labCore(1).core).context, props: { roots: [] } });
    expect(screen.queryByRole('group', { name: 'Folders' })).toBeNull();
  });

  it('removes a folder after a confirm that says the files stay on disk', async () => {
    const { core } = labCore(1, { removeFolder: (p) => ({ root: p.root, removed: 319 }) });
    render(FolderList, { context: fakeApp(core).context, props: { roots } });
    const first = screen.getAllByRole('listitem')[0];
    await fireEvent.click(within(first).getByRole('button', { name: 'Remove folder' }));
    const confirm = within(first).getByRole('group', { name: 'Confirm: Remove folder' });
    expect(confirm.textContent).toContain('Remove /data/sample and its 319 items from the lab? The files stay on disk');
    expect(core.paramsOf('removeFolder')).toEqual([]);
    await fireEvent.click(within(confirm).getByRole('button', { name: 'Remove 319 items' }));
    await waitFor(() => expect(core.paramsOf('removeFolder')).toEqual([{ root: '/data/sample' }]));
    expect((await screen.findByRole('status')).textContent).toBe(
      'Removed /data/sample and its 319 items from the lab. The files are still on disk.',
    );
  });
});
