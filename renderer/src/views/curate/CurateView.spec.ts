import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { APP_CONTEXT } from '../../lib/app-context.ts';
import {
  duplicateHandlers,
  fakeApp,
  labCore,
  makeItems,
  makeModel,
  stopApps,
  suspectHandlers,
} from '../../testing/fake-core.ts';
import CurateView from './CurateView.svelte';

afterEach(() => {
  stopApps();
  window.location.hash = '';
});

function curateCore(models = [makeModel(3), makeModel(5)]) {
  const items = makeItems(6);
  return labCore(6, {
    models: () => ({ models }),
    ...suspectHandlers(items, { 1: 'Food' }),
    ...duplicateHandlers(items, [[4, 5]]),
  }).core;
}

function show(params: Record<string, string> = {}, core = curateCore()) {
  const app = fakeApp(core);
  app.app.router.go('curate', params);
  render(CurateView, { context: app.context });
  return { core, app: app.app };
}

describe('CurateView', () => {
  it('opens on Suspects and switches tabs through the route, keeping opened tabs mounted', async () => {
    const { core, app } = show();
    expect(screen.getByRole('heading', { level: 1, name: 'Curate' })).toBeTruthy();
    await waitFor(() => expect(screen.getByRole('tab', { name: 'Suspects', selected: true })).toBeTruthy());
    expect(screen.getAllByRole('tab').map((t) => t.textContent)).toEqual([
      'Suspects',
      'Duplicates',
      'Label next',
      'Compare',
    ]);
    await waitFor(() => expect(screen.getAllByTestId('suspect-row')).toHaveLength(1));

    await fireEvent.click(screen.getByRole('tab', { name: 'Duplicates' }));
    expect(app.router.params).toEqual({ tab: 'duplicates' });
    await waitFor(() => expect(screen.getAllByTestId('duplicate-group')).toHaveLength(1));
    // Suspects stays mounted (hidden): coming back does not ask again.
    expect(screen.getByTestId('suspect-row')).toBeTruthy();
    const asked = core.paramsOf('suspects').length;
    await fireEvent.keyDown(screen.getByRole('tab', { name: 'Duplicates' }), { key: 'ArrowLeft' });
    expect(app.router.params).toEqual({ tab: 'suspects' });
    expect(screen.getByRole('tabpanel', { name: 'Suspects' })).toBeTruthy();
    expect(core.paramsOf('suspects')).toHaveLength(asked);

    await fireEvent.keyDown(screen.getByRole('tab', { name: 'Suspects' }), { key: 'ArrowLeft' });
    expect(app.router.params).toEqual({ tab: 'compare' });
    expect(document.activeElement).toBe(screen.getByRole('tab', { name: 'Compare' }));
  });

  it('passes the chosen model to the panels', async () => {
    const { core } = show();
    await waitFor(() => expect(core.paramsOf('suspects').length).toBeGreaterThan(0));
    expect(core.lastParams('suspects')?.modelId).toBeUndefined();
    await waitFor(() => expect(screen.getByRole('option', { name: /run-3/ })).toBeTruthy());
    await fireEvent.change(screen.getByRole('combobox', { name: 'Model' }), { target: { value: '3' } });
    await waitFor(() => expect(core.lastParams('suspects')?.modelId).toBe(3));
  });

  it('opens the tab named in the route, and comes back to the tab the user left', async () => {
    const { core, app } = show({ tab: 'duplicates' });
    await waitFor(() => expect(screen.getByRole('tab', { name: 'Duplicates', selected: true })).toBeTruthy());
    await waitFor(() => expect(core.paramsOf('duplicates').length).toBe(1));
    expect(core.paramsOf('suspects')).toHaveLength(0);
    cleanup();
    app.router.go('library');
    app.router.go('curate');
    render(CurateView, { context: new Map([[APP_CONTEXT, app]]) });
    expect(screen.getByRole('tab', { name: 'Duplicates', selected: true })).toBeTruthy();
  });

  it('asks for a trained model first', async () => {
    show({}, curateCore([]));
    expect(await screen.findByText('No trained model yet')).toBeTruthy();
    expect(screen.queryByRole('tablist')).toBeNull();
  });
});
