import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { APP_CONTEXT } from '../../lib/app-context.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeApp } from '../../testing/fake-core.ts';
import { theoryCore } from '../../testing/fake-theory.ts';
import TheoryView from './TheoryView.svelte';

let stop = () => {};
afterEach(() => {
  stop();
  window.location.hash = '';
});

function show() {
  const core = theoryCore();
  const app = fakeApp(core);
  stop = app.stop;
  app.app.router.go('theory');
  render(TheoryView, { context: app.context });
  return { core, app: app.app };
}

describe('TheoryView', () => {
  it('opens on the playground and switches tabs through the route, keeping opened tabs alive', async () => {
    const { core, app } = show();
    expect(screen.getByRole('tab', { name: 'Playground', selected: true })).toBeTruthy();
    await waitFor(() => expect(core.paramsOf('theoryRegions').length).toBeGreaterThan(0));

    await fireEvent.click(screen.getByRole('tab', { name: 'KDE → KNN' }));
    expect(app.router.path).toBe('theory');
    expect(app.router.params).toEqual({ tab: 'kde' });
    await waitFor(() => expect(core.paramsOf('theoryKde').length).toBeGreaterThan(0));
    expect(screen.getByRole('tabpanel', { name: 'KDE → KNN' })).toBeTruthy();
    // The playground stays mounted (hidden), so its points survive the round trip.
    expect(screen.getByTestId('playground-plane')).toBeTruthy();
    const datasets = core.paramsOf('theoryDataset').length;

    await fireEvent.keyDown(screen.getByRole('tab', { name: 'KDE → KNN' }), { key: 'ArrowLeft' });
    expect(app.router.params).toEqual({ tab: 'playground' });
    expect(screen.getByRole('tab', { name: 'Playground', selected: true })).toBeTruthy();
    expect(core.paramsOf('theoryDataset')).toHaveLength(datasets);
  });

  it('comes back to the tab the user left', async () => {
    const { app } = show();
    const context = new Map([[APP_CONTEXT, app]]);
    await fireEvent.click(screen.getByRole('tab', { name: 'Cover–Hart' }));
    cleanup();
    app.router.go('library');
    app.router.go('theory');
    render(TheoryView, { context });
    expect(screen.getByRole('tab', { name: 'Cover–Hart', selected: true })).toBeTruthy();
  });

  it('opens the tab named in the route', async () => {
    const core = theoryCore();
    const app = fakeApp(core);
    stop = app.stop;
    app.app.router.go('theory', { tab: 'curse' });
    render(TheoryView, { context: app.context });
    expect(screen.getByRole('tab', { name: 'Curse of dimensionality', selected: true })).toBeTruthy();
    await waitFor(() => expect(core.paramsOf('theoryCurseCurves').length).toBe(1));
    expect(core.paramsOf('theoryRegions')).toHaveLength(0);
  });
});
