import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { Results } from '$api/contract.ts';
import { fakeApp, labCore, makeJob, makeModel } from '../../testing/fake-core.ts';
import TrainView from './TrainView.svelte';

let stop = () => {};
afterEach(() => stop());

const recall = (r1: number) => ({ r1, r5: r1 * 2, r10: r1 * 3, medianRank: 4 });

function history(steps: number): Results['modelHistory'] {
  return {
    steps: Array.from({ length: steps }, (_, i) => ({ step: i + 1, epoch: 1, loss: 3 - i * 0.1 })),
    epochs: [{ epoch: 1, t2i: recall(0.1), i2t: recall(0.05), loss: 2 }],
  };
}

describe('TrainView', () => {
  it('starts a run with the settings typed, leaving empty ones to core', async () => {
    const { core } = labCore(10, { startTraining: () => ({ jobId: 't1' }) });
    const app = fakeApp(core);
    stop = app.stop;
    render(TrainView, { context: app.context });
    await fireEvent.change(screen.getByLabelText('Loss'), { target: { value: 'triplet' } });
    await fireEvent.input(screen.getByLabelText('Epochs'), { target: { value: '1' } });
    await fireEvent.input(screen.getByLabelText('Embedding dim'), { target: { value: '16' } });
    await fireEvent.input(screen.getByLabelText('Image size'), { target: { value: '32' } });
    await fireEvent.input(screen.getByLabelText('Learning rate'), { target: { value: '0.003' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Start training' }));
    await waitFor(() =>
      expect(core.lastParams('startTraining')).toEqual({
        loss: 'triplet',
        epochs: 1,
        dim: 16,
        imageSize: 32,
        lr: 0.003,
      }),
    );
  });

  it('shows why a run could not start', async () => {
    const { core } = labCore(10);
    core.handlers.startTraining = () => {
      throw new Error('not wired yet');
    };
    core.handlers.models = () => {
      throw new Error('not wired yet');
    };
    const app = fakeApp(core);
    stop = app.stop;
    render(TrainView, { context: app.context });
    await fireEvent.click(screen.getByRole('button', { name: 'Start training' }));
    await waitFor(() => {
      const alerts = screen.getAllByRole('alert').map((a) => a.textContent);
      expect(alerts.some((t) => t?.includes('Training not started') && t.includes('not wired yet'))).toBe(true);
      expect(alerts.some((t) => t?.includes('Could not list the runs'))).toBe(true);
    });
  });

  it('follows a running job: progress with samples/s and ETA, live history, cancel', async () => {
    let steps = 5;
    let models = [makeModel(1, { status: 'training', epochsDone: 0 })];
    const { core } = labCore(10, {
      models: () => ({ models }),
      modelHistory: () => history(steps),
      cancelJob: () => ({ cancelled: true }),
    });
    const app = fakeApp(core);
    stop = app.stop;
    render(TrainView, { context: app.context, props: { liveMs: 0 } });
    await waitFor(() => expect(core.lastParams('modelHistory')).toEqual({ modelId: 1 }));
    await waitFor(() => expect(screen.getAllByTestId('plot-last')[0].textContent).toContain('step 5'));

    steps = 9;
    const job = makeJob({
      id: 'train-1',
      kind: 'train',
      title: 'Train run-1',
      progress: { phase: 'epoch 1/2', done: 256, total: 1024, rate: 128, etaSeconds: 6 },
    });
    core.emit({ type: 'job', job });
    const text = await screen.findAllByTestId('progress-text');
    expect(text[0].textContent).toContain('256 / 1,024 steps');
    expect(text[0].textContent).toContain('128 samples/s');
    expect(text[0].textContent).toContain('ETA 6 s');
    await waitFor(() => expect(screen.getAllByTestId('plot-last')[0].textContent).toContain('step 9'));
    expect(screen.getAllByTestId('plot-last')[1].textContent).toContain('text→image R@1 0.100');

    await fireEvent.click(screen.getAllByRole('button', { name: 'Cancel Train run-1' })[0]);
    await waitFor(() => expect(core.lastParams('cancelJob')).toEqual({ jobId: 'train-1' }));

    models = [makeModel(1, { status: 'cancelled', epochsDone: 1 })];
    core.emit({ type: 'job', job: { ...job, status: 'cancelled' } });
    expect(await screen.findByText(/The last run was cancelled/)).toBeTruthy();
  });

  it('plots the steps of a running run as they arrive, and says it waits for the first ones', async () => {
    const { core } = labCore(10, {
      models: () => ({ models: [makeModel(3, { status: 'training', epochsDone: 0 })] }),
      modelHistory: () => ({ steps: [], epochs: [] }),
    });
    const app = fakeApp(core);
    stop = app.stop;
    render(TrainView, { context: app.context, props: { liveMs: 60_000 } });
    const loss = await screen.findByRole('figure', { name: 'Training loss' });
    expect(within(loss).getByText('Waiting for the first steps…')).toBeTruthy();
    expect(within(loss).queryByText('No data yet.')).toBeNull();

    const step = (done: number, loss: number) =>
      core.emit({
        type: 'job',
        job: makeJob({
          id: 'train-3',
          kind: 'train',
          title: 'Train (npair)',
          progress: {
            phase: 'model 3 training',
            done,
            total: 40,
            rate: 64,
            etaSeconds: 30,
            detail: { modelId: 3, epoch: 0, epochs: 2, loss, phase: 'training' },
          },
        }),
      });
    step(1, 3.25);
    step(2, 3.1);
    step(2, 3.1);
    await waitFor(() => expect(within(loss).getByTestId('plot-last').textContent).toBe('last step 1: loss 3.100'));
    expect(within(loss).getByText('Data (2 points)')).toBeTruthy();
    expect(within(loss).queryByText('Waiting for the first steps…')).toBeNull();
  });

  it('compares runs in a table, picks one to plot, and resumes a cancelled run', async () => {
    const models = [
      makeModel(2, {
        loss: 'triplet',
        status: 'cancelled',
        metrics: { t2i: recall(0.2), i2t: recall(0.1), knnAccuracy: 0.5, zeroShotAccuracy: null },
      }),
      makeModel(1, {
        loss: 'npair',
        metrics: { t2i: recall(0.3), i2t: recall(0.2), knnAccuracy: 0.7, zeroShotAccuracy: 0.4 },
      }),
    ];
    const { core } = labCore(10, {
      models: () => ({ models }),
      modelHistory: (p) => history(p.modelId === 1 ? 3 : 7),
      startTraining: () => ({ jobId: 'r' }),
    });
    const app = fakeApp(core);
    stop = app.stop;
    render(TrainView, { context: app.context });
    const table = await screen.findByRole('table', { name: 'Training runs' });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(within(rows[2]).getByText('30.0 %').classList.contains('best')).toBe(true);
    await waitFor(() => expect(core.lastParams('modelHistory')).toEqual({ modelId: 2 }));

    await fireEvent.click(within(table).getByRole('button', { name: '#1 run-1' }));
    await waitFor(() => expect(core.lastParams('modelHistory')).toEqual({ modelId: 1 }));
    await waitFor(() => expect(screen.getAllByTestId('plot-last')[0].textContent).toContain('step 3'));

    await fireEvent.click(within(table).getByRole('button', { name: 'Resume run #2' }));
    await waitFor(() => expect(core.lastParams('startTraining')).toEqual({ resumeModelId: 2 }));
  });

  it('continues a finished run from the run table: the form asks for the epochs in total', async () => {
    const { core } = labCore(10, {
      models: () => ({ models: [makeModel(1, { status: 'done', epochsDone: 20 })] }),
      modelHistory: () => history(3),
      startTraining: () => ({ jobId: 'c' }),
    });
    const app = fakeApp(core);
    stop = app.stop;
    render(TrainView, { context: app.context });
    const table = await screen.findByRole('table', { name: 'Training runs' });
    await fireEvent.click(within(table).getByRole('button', { name: 'Continue run #1 for more epochs' }));
    expect(screen.getByRole('heading', { name: 'Resume or continue a run' })).toBeTruthy();
    expect((screen.getByLabelText('Resume') as HTMLSelectElement).value).toBe('1');
    const epochs = screen.getByLabelText('Epochs') as HTMLInputElement;
    expect(epochs.placeholder).toBe('more than 20');
    await fireEvent.input(epochs, { target: { value: '30' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Continue for more epochs' }));
    await waitFor(() => expect(core.lastParams('startTraining')).toEqual({ resumeModelId: 1, epochs: 30 }));
    expect(screen.getByRole('heading', { name: 'New run' })).toBeTruthy();
  });

  it('removes a run from the table once confirmed, and lists the runs again', async () => {
    let models = [makeModel(2), makeModel(1)];
    const { core } = labCore(10, {
      models: () => ({ models }),
      modelHistory: () => history(3),
      removeModel: (p) => {
        models = models.filter((m) => m.id !== p.modelId);
        return { modelId: p.modelId };
      },
    });
    const app = fakeApp(core);
    stop = app.stop;
    render(TrainView, { context: app.context });
    const table = await screen.findByRole('table', { name: 'Training runs' });
    const row = within(table).getAllByRole('row')[1];
    await fireEvent.click(within(row).getByRole('button', { name: 'Remove' }));
    await fireEvent.click(within(row).getByRole('button', { name: 'Remove run #2' }));
    await waitFor(() => expect(core.lastParams('removeModel')).toEqual({ modelId: 2 }));
    await waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(2));
    expect(within(table).queryByRole('button', { name: '#2 run-2' })).toBeNull();
  });
});
