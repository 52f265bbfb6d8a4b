import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeApp, labCore, makeJob, stopApps } from '../../testing/fake-core.ts';
import ImportStatus from './ImportStatus.svelte';

afterEach(stopApps);

const summary = () => (screen.getByRole('status').textContent ?? '').replace(/\s+/g, ' ').trim();

describe('ImportStatus', () => {
  it('shows nothing without a job', () => {
    const { container } = render(ImportStatus, { context: fakeApp(labCore(0).core).context, props: { job: null } });
    expect(container.querySelector('.import-status')).toBeNull();
  });

  it('shows a running import with its progress and cancels it through core', async () => {
    const { core } = labCore(0, { cancelJob: () => ({ cancelled: true }) });
    const job = makeJob({ id: 'imp-2', progress: { phase: 'import', done: 3, total: 10, rate: 1, etaSeconds: 7 } });
    render(ImportStatus, { context: fakeApp(core).context, props: { job } });
    expect(screen.getByTestId('progress-text').textContent).toContain('3 / 10 images');
    await fireEvent.click(screen.getByRole('button', { name: 'Cancel Import /data/sample' }));
    await waitFor(() => expect(core.lastParams('cancelJob')).toEqual({ jobId: 'imp-2' }));
  });

  it('sums up a finished import, flagging errors, and says when it was cancelled', async () => {
    const result = { found: 1500, added: 1400, updated: 2, duplicates: 3, unchanged: 95, errors: 4, warnings: 1 };
    const { rerender } = render(ImportStatus, {
      context: fakeApp(labCore(0).core).context,
      props: {
        job: makeJob({ status: 'done', result: { ...result, seconds: 12.345 } }),
      },
    });
    expect(summary()).toBe(
      'Import done — 1,500 images found: 1,400 new, 2 changed, 3 duplicates, 95 unchanged; 4 errors, 1 warning in 12.3 s.',
    );
    expect(screen.getByText('4 errors').classList.contains('bad')).toBe(true);

    await rerender({ job: makeJob({ status: 'cancelled', result: { ...result, errors: 0 } }) });
    expect(summary()).toMatch(/^Import cancelled — 1,500 images found.*1 warning\.$/);
    expect(screen.getByText('0 errors').classList.contains('bad')).toBe(false);
  });

  it('counts one image, duplicate and error in the singular', () => {
    const result = { found: 1, added: 0, updated: 0, duplicates: 1, unchanged: 0, errors: 1, warnings: 0 };
    render(ImportStatus, {
      context: fakeApp(labCore(0).core).context,
      props: { job: makeJob({ status: 'done', result }) },
    });
    expect(summary()).toBe(
      'Import done — 1 image found: 0 new, 0 changed, 1 duplicate, 0 unchanged; 1 error, 0 warnings.',
    );
  });

  it('shows why an import failed', () => {
    render(ImportStatus, {
      context: fakeApp(labCore(0).core).context,
      props: { job: makeJob({ status: 'failed', error: 'folder not readable' }) },
    });
    expect(screen.getByRole('alert').textContent).toContain('Import failed: folder not readable');
  });
});
