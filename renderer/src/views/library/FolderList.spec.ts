import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { WatchState } from '$api/curation-contract.ts';
import { fakeApp, labCore, makeJob, stopApps } from '../../testing/fake-core.ts';
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

  describe('the Watch switch', () => {
    const watching = (over: Partial<WatchState> = {}): WatchState => ({
      folder: '/data/sample',
      since: '2025-01-01T12:00:00.000Z',
      imports: 0,
      changed: 0,
      lastImportAt: null,
      problems: 0,
      error: null,
      ...over,
    });
    const watchSwitch = (folder: string) => screen.getByRole('switch', { name: `Watch ${folder}` }) as HTMLInputElement;

    it('is on for the watched folders, with what the watch did and its error', async () => {
      const state = watching({ imports: 3, changed: 5, lastImportAt: '2025-01-01T12:30:00.000Z', problems: 2 });
      const gone = watching({ folder: '/photos', error: '/photos is gone (moved or deleted)' });
      const { core } = labCore(1, { watchedFolders: () => ({ folders: [state, gone] }) });
      render(FolderList, { context: fakeApp(core).context, props: { roots } });
      await waitFor(() => expect(watchSwitch('/data/sample').checked).toBe(true));
      const first = screen.getAllByRole('listitem')[0];
      expect(first.querySelector('.watching')?.textContent).toMatch(
        /^watching since .+ · 3 imports · 5 files added, changed or removed · last import .+ · 2 problems$/,
      );
      expect(within(screen.getAllByRole('listitem')[1]).getByRole('alert').textContent).toBe(
        '/photos is gone (moved or deleted)',
      );
    });

    it('switches watching on and off with watchFolder', async () => {
      let on: WatchState[] = [];
      const { core } = labCore(1, {
        watchedFolders: () => ({ folders: on }),
        watchFolder: (p) => {
          on = p.watch ? [watching({ folder: p.folder })] : [];
          return { folders: on };
        },
      });
      render(FolderList, { context: fakeApp(core).context, props: { roots } });
      await waitFor(() => expect(core.paramsOf('watchedFolders')).toHaveLength(1));
      expect(watchSwitch('/data/sample').checked).toBe(false);
      await fireEvent.click(watchSwitch('/data/sample'));
      await waitFor(() => expect(core.paramsOf('watchFolder')).toEqual([{ folder: '/data/sample', watch: true }]));
      await waitFor(() => expect(screen.getAllByRole('listitem')[0].textContent).toContain('watching since'));
      expect(watchSwitch('/data/sample').checked).toBe(true);
      expect(watchSwitch('/photos').checked).toBe(false);
      await fireEvent.click(watchSwitch('/data/sample'));
      await waitFor(() => expect(core.lastParams('watchFolder')).toEqual({ folder: '/data/sample', watch: false }));
      await waitFor(() => expect(watchSwitch('/data/sample').checked).toBe(false));
      expect(screen.getAllByRole('listitem')[0].textContent).not.toContain('watching since');
    });

    it('says why a folder cannot be watched, beside its switch, and leaves it off', async () => {
      const { core } = labCore(1, {
        watchedFolders: () => ({ folders: [] }),
        watchFolder: () => {
          throw new Error('/photos was never imported into this lab: import it first, then watch it');
        },
      });
      render(FolderList, { context: fakeApp(core).context, props: { roots } });
      await fireEvent.click(watchSwitch('/photos'));
      const second = screen.getAllByRole('listitem')[1];
      expect((await within(second).findByRole('alert')).textContent).toBe(
        '/photos was never imported into this lab: import it first, then watch it',
      );
      expect(watchSwitch('/photos').checked).toBe(false);
    });

    it("shows a watch's new counts when one of its imports ends", async () => {
      let state = watching({ imports: 1, changed: 1 });
      const { core } = labCore(1, { watchedFolders: () => ({ folders: [state] }) });
      render(FolderList, { context: fakeApp(core).context, props: { roots } });
      const row = () => screen.getAllByRole('listitem')[0].querySelector('.watching')?.textContent;
      await waitFor(() => expect(row()).toContain('1 import · 1 file added'));
      state = watching({ imports: 2, changed: 4, lastImportAt: '2025-01-01T12:40:00.000Z', problems: 1 });
      core.emit({ type: 'job', job: makeJob({ title: 'Import /data/sample (watched)', status: 'running' }) });
      core.emit({ type: 'job', job: makeJob({ title: 'Import /data/sample (watched)', status: 'done' }) });
      await waitFor(() => expect(row()).toContain('2 imports · 4 files added, changed or removed'));
      expect(row()).toMatch(/ · 1 problem$/);
    });
  });
});
