import { render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { Results } from '$api/contract.ts';
import { fakeApp, labCore, stopApps } from '../../testing/fake-core.ts';
import ImportProblems from './ImportProblems.svelte';

afterEach(stopApps);

const problems: Results['importProblems']['problems'] = [
  { runId: 1, root: '/data/sample', path: 'a/bad.png', line: null, severity: 'error', reason: 'cannot decode' },
  { runId: 1, root: '/data/sample', path: '', line: 12, severity: 'warning', reason: 'identical row' },
];

describe('ImportProblems', () => {
  it('tables each problem: severity, folder, file, line, reason; the heading names the one folder', async () => {
    const { core } = labCore(0, { importProblems: () => ({ total: 2, problems }) });
    render(ImportProblems, { context: fakeApp(core).context, props: { version: 1, limit: 50 } });
    const table = await screen.findByRole('table', { name: 'Import problems' });
    const rows = within(table)
      .getAllByRole('row')
      .slice(1)
      .map((r) => Array.from(r.children, (c) => c.textContent));
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map((h) => h.textContent),
    ).toEqual(['Severity', 'Folder', 'File', 'Line', 'Reason']);
    expect(rows).toEqual([
      ['error', '/data/sample', 'a/bad.png', '', 'cannot decode'],
      ['warning', '/data/sample', '(the folder)', '12', 'identical row'],
    ]);
    expect(screen.getByRole('heading').textContent).toBe('Problems in the latest import of /data/sample (2)');
    expect(screen.queryByText(/Showing the first/)).toBeNull();
    expect(core.lastParams('importProblems')).toEqual({ limit: 50 });
  });

  it('says how many folders the problems come from, and each row names its folder', async () => {
    const two = [...problems, { ...problems[0], runId: 2, root: '/data/other', path: 'c.gif', reason: 'truncated' }];
    const { core } = labCore(0, { importProblems: () => ({ total: 3, problems: two }) });
    render(ImportProblems, { context: fakeApp(core).context, props: { version: 1 } });
    const table = await screen.findByRole('table', { name: 'Import problems' });
    expect(screen.getByRole('heading').textContent).toBe('Problems in the latest imports of 2 folders (3)');
    const folders = within(table)
      .getAllByRole('row')
      .slice(1)
      .map((r) => r.children[1].textContent);
    expect(folders).toEqual(['/data/sample', '/data/sample', '/data/other']);
  });

  it('says when only the first problems are listed, and reloads when the lab changes', async () => {
    const { core } = labCore(0, { importProblems: () => ({ total: 1234, problems }) });
    const { rerender } = render(ImportProblems, { context: fakeApp(core).context, props: { version: 1 } });
    expect(await screen.findByText('Showing the first 2.')).toBeTruthy();
    expect(core.paramsOf('importProblems')).toEqual([{ limit: 1000 }]);
    await rerender({ version: 2 });
    await waitFor(() => expect(core.paramsOf('importProblems')).toHaveLength(2));
  });

  it('shows nothing for a clean import, and an error when the list cannot be read', async () => {
    const { core } = labCore(0);
    const { container } = render(ImportProblems, { context: fakeApp(core).context, props: { version: 1 } });
    await waitFor(() => expect(core.paramsOf('importProblems')).toHaveLength(1));
    // Let the (empty) answer arrive and render.
    await new Promise((r) => setTimeout(r, 20));
    expect(container.textContent?.trim()).toBe('');

    core.handlers.importProblems = () => {
      throw new Error('no such table');
    };
    stopApps();
    document.body.innerHTML = '';
    render(ImportProblems, { context: fakeApp(core).context, props: { version: 1 } });
    expect((await screen.findByRole('alert')).textContent).toContain(
      'Could not load the import problems: no such table',
    );
  });
});
