import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { createRawSnippet } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeApp, labCore, makeJob, makeModel, stopApps } from '../testing/fake-core.ts';
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

  it('names the run that is training while no model has finished, and sends the user to watch it', async () => {
    const { core } = labCore(2, {
      models: () => ({ models: [makeModel(3, { status: 'training' })] }),
      jobs: () => ({
        jobs: [
          makeJob({
            id: 'train-3',
            kind: 'train',
            title: 'Train (npair)',
            progress: {
              phase: 'model 3 training',
              done: 30,
              total: 480,
              rate: 64,
              etaSeconds: 300,
              detail: { modelId: 3, epoch: 1, epochs: 20, loss: 2.5, phase: 'training' },
            },
          }),
        ],
      }),
    });
    const { app, context } = fakeApp(core);
    render(ModelGate, { context, props: { what: 'Search', children } });
    expect(await screen.findByText('Training model 3 (epoch 2/20)…')).toBeTruthy();
    expect(screen.getByText('No trained model yet')).toBeTruthy();
    expect(
      screen.getByText('Search works in the embedding space of a trained model: it can start once this run finishes.'),
    ).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Watch the training' }));
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
