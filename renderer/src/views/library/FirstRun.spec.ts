import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeApp, labCore, stopApps } from '../../testing/fake-core.ts';
import FirstRun from './FirstRun.svelte';

afterEach(stopApps);

describe('FirstRun', () => {
  it('imports the bundled sample and hands the job on, the button busy meanwhile', async () => {
    let release = () => {};
    const { core } = labCore(0, {
      sampleFolder: () => ({ path: '/app/resources/sample', exists: true }),
      startImport: () => new Promise((resolve) => (release = () => resolve({ jobId: 'imp-1' }))),
    });
    const onstarted = vi.fn();
    render(FirstRun, { context: fakeApp(core).context, props: { onstarted } });
    await fireEvent.click(screen.getByRole('button', { name: 'Import the sample' }));
    const busy = await screen.findByRole('button', { name: 'Starting the import…' });
    expect((busy as HTMLButtonElement).disabled).toBe(true);
    await waitFor(() => expect(core.lastParams('startImport')).toEqual({ folder: '/app/resources/sample' }));
    release();
    await waitFor(() => expect(onstarted).toHaveBeenCalledWith('imp-1'));
  });

  it('says why the import could not start and lets the user try again', async () => {
    const { core } = labCore(0, {
      sampleFolder: () => ({ path: '/app/resources/sample', exists: true }),
      startImport: () => {
        throw new Error('an import is already running');
      },
    });
    const onstarted = vi.fn();
    render(FirstRun, { context: fakeApp(core).context, props: { onstarted } });
    await fireEvent.click(screen.getByRole('button', { name: 'Import the sample' }));
    expect((await screen.findByRole('alert')).textContent).toContain(
      'Could not import the sample: an import is already running',
    );
    expect((screen.getByRole('button', { name: 'Import the sample' }) as HTMLButtonElement).disabled).toBe(false);
    expect(onstarted).not.toHaveBeenCalled();
  });
});
