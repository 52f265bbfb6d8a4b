import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeApp, labCore, makeJob, stopApps } from '../testing/fake-core.ts';
import StatusBar from './StatusBar.svelte';

afterEach(stopApps);

const bar = () => screen.getByRole('contentinfo', { name: 'Status' });

describe('StatusBar', () => {
  it('names the open lab and its size, and says when no job runs', async () => {
    const { core } = labCore(1234);
    render(StatusBar, { context: fakeApp(core).context, props: {} });
    await waitFor(() => expect(screen.getByTestId('lab-path').textContent).toBe('/tmp/test.lab'));
    expect(bar().textContent).toContain('· 1,234 items');
    expect(bar().textContent).toContain('No running jobs');
  });

  it('says "1 item", not "1 items"', async () => {
    const { core } = labCore(1);
    render(StatusBar, { context: fakeApp(core).context, props: {} });
    await waitFor(() => expect(bar().textContent).toContain('· 1 item'));
    expect(bar().textContent).not.toContain('1 items');
  });

  it('shows every running job live and cancels one through core', async () => {
    const { core } = labCore(3, { cancelJob: () => ({ cancelled: true }) });
    render(StatusBar, { context: fakeApp(core).context, props: {} });
    // Jobs that start after the app listed them arrive as events.
    await screen.findByText('No running jobs');
    await waitFor(() => expect(core.paramsOf('jobs')).toHaveLength(1));
    await new Promise((r) => setTimeout(r, 0));
    core.emit({ type: 'job', job: makeJob({ id: 'imp', title: 'Import /photos' }) });
    core.emit({ type: 'job', job: makeJob({ id: 'tr', kind: 'train', title: 'Train npair' }) });
    await fireEvent.click(await screen.findByRole('button', { name: 'Cancel Train npair' }));
    await waitFor(() => expect(core.lastParams('cancelJob')).toEqual({ jobId: 'tr' }));
    expect(screen.getByRole('button', { name: 'Cancel Import /photos' })).toBeTruthy();
    core.emit({ type: 'job', job: makeJob({ id: 'imp', title: 'Import /photos', status: 'done' }) });
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Cancel Import /photos' })).toBeNull());
    expect(bar().textContent).not.toContain('No running jobs');
  });

  it('tells a browser-mode user when the server connection is not open', async () => {
    const { core } = labCore(3);
    const { rerender } = render(StatusBar, { context: fakeApp(core).context, props: { connection: 'connecting' } });
    expect(screen.getByRole('status').textContent).toBe('Connecting…');
    await rerender({ connection: 'reconnecting' });
    expect(screen.getByRole('status').textContent).toBe('Reconnecting to the server…');
    await rerender({ connection: 'open' });
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('says when it gave up on the server, and offers to try again or reload', async () => {
    const { core } = labCore(3);
    const onretry = vi.fn();
    const onreload = vi.fn();
    render(StatusBar, { context: fakeApp(core).context, props: { connection: 'lost', onretry, onreload } });
    expect(screen.getByRole('alert').textContent?.replace(/\s+/g, ' ')).toContain(
      'Lost the connection to the Nearlab server. If you restarted nearlab serve, open the new address it printed.',
    );
    expect(screen.queryByText('Reconnecting to the server…')).toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(onretry).toHaveBeenCalledOnce();
    await fireEvent.click(screen.getByRole('button', { name: 'Reload' }));
    expect(onreload).toHaveBeenCalledOnce();
  });
});
