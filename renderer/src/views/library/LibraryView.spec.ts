import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeApp, labCore, makeJob } from '../../testing/fake-core.ts';
import LibraryView from './LibraryView.svelte';

let stop = () => {};
afterEach(() => stop());

function show(core: ReturnType<typeof labCore>['core']) {
  const app = fakeApp(core);
  stop = app.stop;
  return { ...render(LibraryView, { context: app.context }), app };
}

describe('LibraryView', () => {
  it('offers the sample on an empty lab and imports it', async () => {
    const { core } = labCore(0, {
      sampleFolder: () => ({ path: '/app/resources/sample', exists: true }),
      startImport: () => ({ jobId: 'imp' }),
    });
    show(core);
    await fireEvent.click(await screen.findByRole('button', { name: 'Import the sample' }));
    await waitFor(() => expect(core.lastParams('startImport')).toEqual({ folder: '/app/resources/sample' }));
    expect(core.paramsOf('sampleFolder')).toHaveLength(1);
  });

  it('keeps the sample within reach once the lab has items', async () => {
    const { core } = labCore(5, {
      sampleFolder: () => ({ path: '/app/resources/sample', exists: true }),
      startImport: () => ({ jobId: 'imp' }),
    });
    show(core);
    await screen.findByTestId('count-items');
    expect(screen.queryByText('This lab is empty')).toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: 'Import the sample' }));
    await waitFor(() => expect(core.lastParams('startImport')).toEqual({ folder: '/app/resources/sample' }));
  });

  it('clears the note of a failed import when the user submits again', async () => {
    const { core } = labCore(3, {
      jobs: () => ({ jobs: [makeJob({ id: 'imp-1', status: 'failed', error: 'cannot read /photo' })] }),
      startImport: () => {
        throw new Error('folder /photos does not exist');
      },
    });
    show(core);
    expect((await screen.findByRole('alert')).textContent).toContain('Import failed: cannot read /photo');
    await fireEvent.input(screen.getByLabelText('Folder'), { target: { value: '/photos' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Start import' }));
    await waitFor(() =>
      expect(screen.getAllByRole('alert').map((a) => a.textContent)).toEqual([
        expect.stringContaining('Import not started: folder /photos does not exist'),
      ]),
    );

    core.emit({ type: 'job', job: makeJob({ id: 'imp-2', status: 'failed', error: 'cannot read /photos/a' }) });
    expect((await screen.findByText(/Import failed/)).closest('[role=alert]')?.textContent).toContain(
      'cannot read /photos/a',
    );
  });

  it('says so when the sample is missing', async () => {
    const { core } = labCore(0, { sampleFolder: () => ({ path: '/gone', exists: false }) });
    show(core);
    await fireEvent.click(await screen.findByRole('button', { name: 'Import the sample' }));
    expect((await screen.findByRole('alert')).textContent).toContain('the sample folder is missing (/gone)');
    expect(core.paramsOf('startImport')).toHaveLength(0);
  });

  it('shows live import progress from job events, then the summary', async () => {
    const { core } = labCore(0);
    show(core);
    await screen.findByRole('button', { name: 'Import the sample' });
    core.emit({
      type: 'job',
      job: makeJob({ progress: { phase: 'import', done: 120, total: 319, rate: 40, etaSeconds: 5 } }),
    });
    const text = await screen.findByTestId('progress-text');
    expect(text.textContent).toContain('120 / 319 images');
    expect(text.textContent).toContain('40.0 images/s');
    expect(text.textContent).toContain('ETA 5 s');
    // The first-run offer steps aside while the import runs.
    expect(screen.queryByRole('button', { name: 'Import the sample' })).toBeNull();

    core.emit({
      type: 'job',
      job: makeJob({
        status: 'done',
        result: { found: 319, added: 318, duplicates: 1, errors: 2, warnings: 0, seconds: 2.5 },
      }),
    });
    const summary = await screen.findByText(/Import done/);
    expect(summary.closest('p')?.textContent).toMatch(/319 images found: 318 new.*1 duplicate,.*2 errors.*in 2\.5 s/s);
  });

  it('shows the counts and fills the grid; filters send label, split and (debounced) text', async () => {
    const { core } = labCore(40);
    show(core);
    expect((await screen.findByTestId('count-items')).textContent).toBe('40');
    await waitFor(() => expect(screen.getByTestId('match-count').textContent).toContain('40 items'));
    expect(screen.getAllByRole('button', { name: /caption of item/ }).length).toBeGreaterThan(10);

    await fireEvent.change(screen.getByLabelText('Label'), { target: { value: 'Flags' } });
    await waitFor(() => expect(core.lastParams('listItems')).toMatchObject({ label: 'Flags', offset: 0 }));
    await fireEvent.change(screen.getByLabelText('Split'), { target: { value: 'val' } });
    await waitFor(() => expect(core.lastParams('listItems')).toMatchObject({ label: 'Flags', split: 'val' }));

    const calls = core.paramsOf('listItems').length;
    await fireEvent.input(screen.getByRole('searchbox', { name: 'Filter by text' }), { target: { value: 'item 2' } });
    expect(core.paramsOf('listItems')).toHaveLength(calls);
    await waitFor(() =>
      expect(core.lastParams('listItems')).toMatchObject({ label: 'Flags', split: 'val', text: 'item 2' }),
    );
    await waitFor(() => expect(screen.getByTestId('match-count').textContent).toMatch(/^\d+ items?$/));
  });

  it('keeps the filters when the user comes back', async () => {
    const { core } = labCore(40);
    const { unmount, app } = show(core);
    await screen.findByTestId('count-items');
    await fireEvent.change(screen.getByLabelText('Label'), { target: { value: 'Flags' } });
    await fireEvent.change(screen.getByLabelText('Split'), { target: { value: 'val' } });
    await fireEvent.input(screen.getByRole('searchbox', { name: 'Filter by text' }), { target: { value: 'item 2' } });
    await waitFor(() => expect(core.lastParams('listItems')).toMatchObject({ text: 'item 2' }));
    unmount();

    render(LibraryView, { context: app.context });
    expect(((await screen.findByLabelText('Label')) as HTMLSelectElement).value).toBe('Flags');
    expect((screen.getByLabelText('Split') as HTMLSelectElement).value).toBe('val');
    expect((screen.getByRole('searchbox', { name: 'Filter by text' }) as HTMLInputElement).value).toBe('item 2');
    await waitFor(() =>
      expect(core.lastParams('listItems')).toMatchObject({ label: 'Flags', split: 'val', text: 'item 2' }),
    );
  });

  it('opens the item named in the route', async () => {
    const { core } = labCore(5);
    const app = fakeApp(core);
    stop = app.stop;
    app.app.router.go('library', { item: 4 });
    render(LibraryView, { context: app.context });
    const panel = await screen.findByRole('complementary', { name: 'Item details' });
    await waitFor(() => expect(core.lastParams('item')).toEqual({ id: 4 }));
    expect(within(panel).getAllByText(/item-4\.png/).length).toBeGreaterThan(0);
    window.location.hash = '';
  });

  it('opens the details of a clicked item', async () => {
    const { core } = labCore(5);
    show(core);
    await fireEvent.click(await screen.findByRole('button', { name: /caption of item 3\b/ }));
    const panel = await screen.findByRole('complementary', { name: 'Item details' });
    await waitFor(() => expect(within(panel).getByText('images/item-3.png')).toBeTruthy());
    expect(within(panel).getByRole('button', { name: 'Find similar' })).toBeTruthy();
  });

  it('lists the import problems', async () => {
    const { core } = labCore(3, {
      importProblems: () => ({
        total: 1,
        problems: [
          { runId: 1, root: '/data', path: 'bad.png', line: null, severity: 'error', reason: 'cannot decode' },
        ],
      }),
    });
    show(core);
    const table = await screen.findByRole('table', { name: 'Import problems' });
    expect(within(table).getByText('bad.png')).toBeTruthy();
    expect(within(table).getByText('cannot decode')).toBeTruthy();
  });

  it('shows an error when the lab cannot be read', async () => {
    const { core } = labCore(3);
    core.handlers.info = () => {
      throw new Error('database is locked');
    };
    show(core);
    expect((await screen.findByRole('alert')).textContent).toContain('database is locked');
  });
});
