import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import App from './App.svelte';
import { labCore, makeJob } from './testing/fake-core.ts';

afterEach(() => {
  window.location.hash = '';
});

describe('App', () => {
  it('has a nav of the views (no placeholder entries) and switches views by hash', async () => {
    const { core } = labCore(3);
    render(App, { props: { client: core.client } });
    const nav = screen.getByRole('navigation', { name: 'Views' });
    const views = ['Library', 'Train', 'Search', 'Classify', 'Curate', 'Map'];
    const titles = within(nav)
      .getAllByRole('link')
      .map((a) => a.textContent ?? '');
    expect(titles.filter((t) => views.includes(t))).toEqual(views);
    expect(within(nav).getByRole('link', { name: 'Library' }).getAttribute('aria-current')).toBe('page');
    window.location.hash = '#/train';
    expect(await screen.findByRole('heading', { level: 1, name: 'Train' })).toBeTruthy();
  });

  it('shows the lab path and running jobs with a cancel in the status bar', async () => {
    const { core } = labCore(3, { cancelJob: () => ({ cancelled: true }) });
    render(App, { props: { client: core.client } });
    await waitFor(() => expect(screen.getByTestId('lab-path').textContent).toBe('/tmp/test.lab'));
    core.emit({
      type: 'job',
      job: makeJob({
        id: 'j9',
        title: 'Import /photos',
        progress: { phase: '', done: 3, total: 9, rate: 1.5, etaSeconds: 4 },
      }),
    });
    const status = screen.getByRole('contentinfo', { name: 'Status' });
    await waitFor(() => expect(within(status).getByTestId('progress-text').textContent).toContain('3 / 9 images'));
    await fireEvent.click(within(status).getByRole('button', { name: 'Cancel Import /photos' }));
    await waitFor(() => expect(core.lastParams('cancelJob')).toEqual({ jobId: 'j9' }));
  });

  it('focuses the view’s search box on `/`, not while typing, and Esc clears it', async () => {
    const { core } = labCore(3);
    render(App, { props: { client: core.client } });
    const box = (await screen.findByRole('searchbox', { name: 'Filter by text' })) as HTMLInputElement;
    await fireEvent.keyDown(document.body, { key: '/' });
    expect(document.activeElement).toBe(box);
    await fireEvent.input(box, { target: { value: 'flag' } });
    const slash = new KeyboardEvent('keydown', { key: '/', bubbles: true, cancelable: true });
    box.dispatchEvent(slash);
    expect(slash.defaultPrevented).toBe(false);
    await fireEvent.keyDown(box, { key: 'Escape' });
    expect(box.value).toBe('');
  });

  it('goes to Search on `/` from a view without a search box', async () => {
    window.location.hash = '#/train';
    const { core } = labCore(3);
    render(App, { props: { client: core.client } });
    await screen.findByRole('heading', { level: 1, name: 'Train' });
    await fireEvent.keyDown(document.body, { key: '/' });
    expect(await screen.findByRole('heading', { level: 1, name: 'Search' })).toBeTruthy();
  });
});
