import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { createRawSnippet } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeApp, labCore, makeModel, stopApps } from '../testing/fake-core.ts';
import ModelGate from './ModelGate.svelte';

afterEach(() => {
  stopApps();
  window.location.hash = '';
});

const children = createRawSnippet(() => ({ render: () => '<p>the search form</p>' }));

describe('ModelGate', () => {
  it('shows what needs a model once a finished model exists', async () => {
    const { core } = labCore(2, { models: () => ({ models: [makeModel(2)] }) });
    render(ModelGate, { context: fakeApp(core).context, props: { what: 'Search', children } });
    expect(await screen.findByText('the search form')).toBeTruthy();
  });

  it('says while models load, then sends the user to train one when none has finished', async () => {
    let answer = (_: { models: ReturnType<typeof makeModel>[] }) => {};
    const { core } = labCore(2, { models: () => new Promise((resolve) => (answer = resolve)) });
    const { app, context } = fakeApp(core);
    render(ModelGate, { context, props: { what: 'Classification', children } });
    expect(screen.getByRole('status').textContent).toBe('Loading models…');
    answer({ models: [makeModel(1, { status: 'training' })] });
    expect(await screen.findByText('No trained model yet')).toBeTruthy();
    expect(screen.getByText('Classification works in the embedding space of a trained model.')).toBeTruthy();
    expect(screen.queryByText('the search form')).toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: 'Train a model' }));
    expect(app.router.path).toBe('train');
  });

  it('shows why the models could not be listed, and lists them again on request', async () => {
    const { core } = labCore(2, {
      models: () => {
        throw new Error('database is locked');
      },
    });
    render(ModelGate, { context: fakeApp(core).context, props: { what: 'Search', children } });
    expect((await screen.findByRole('alert')).textContent).toContain(
      'Could not list the trained models: database is locked',
    );
    core.handlers.models = () => ({ models: [makeModel(2)] });
    await fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(screen.getByText('the search form')).toBeTruthy());
  });
});
