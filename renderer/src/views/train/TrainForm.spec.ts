import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeApp, labCore, makeModel, makeTrainingDefaults, stopApps } from '../../testing/fake-core.ts';
import TrainForm from './TrainForm.svelte';

afterEach(stopApps);

function trainCore() {
  return labCore(4, {
    models: () => ({
      models: [
        makeModel(1, { status: 'done' }),
        makeModel(2, { status: 'cancelled', epochsDone: 3 }),
        makeModel(4, { status: 'failed', epochsDone: 1, name: 'contrastive' }),
      ],
    }),
    startTraining: () => ({ jobId: 'train-9' }),
  }).core;
}

const input = (label: string) => screen.getByLabelText(label) as HTMLInputElement;

describe('TrainForm', () => {
  it('starts a new run with the loss and numbers typed, and hands the job on', async () => {
    const core = trainCore();
    const onstarted = vi.fn();
    render(TrainForm, { context: fakeApp(core).context, props: { running: false, onstarted } });
    await fireEvent.change(screen.getByLabelText('Loss'), { target: { value: 'contrastive' } });
    await fireEvent.input(input('Batch size'), { target: { value: '64' } });
    await fireEvent.input(input('Seed'), { target: { value: '0' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Start training' }));
    await waitFor(() => expect(onstarted).toHaveBeenCalledWith('train-9'));
    expect(core.lastParams('startTraining')).toEqual({ loss: 'contrastive', batch: 64, seed: 0 });
  });

  it('trains a head on the backbone chosen, with that backbone’s defaults and how far its features are', async () => {
    const core = trainCore();
    core.handlers.trainingDefaults = (p) =>
      makeTrainingDefaults(
        p.backbone === 'mobilenet_v2_mid'
          ? { settings: { ...makeTrainingDefaults().settings, backbone: 'mobilenet_v2_mid', epochs: 10, lr: 0.001 } }
          : {},
      );
    render(TrainForm, { context: fakeApp(core).context, props: { running: false } });
    const tower = screen.getByLabelText('Image tower') as HTMLSelectElement;
    await waitFor(() => expect(tower.options).toHaveLength(4));
    expect(Array.from(tower.options, (o) => o.textContent)).toEqual([
      'default (scratch)',
      'CNN trained from scratch',
      'MobileNetV2 ×1.4 (ImageNet, nsfwjs) (features ready)',
      'InceptionV3 (ImageNet, nsfwjs) (features of 0 of 100 images; the rest first)',
    ]);
    await fireEvent.change(tower, { target: { value: 'mobilenet_v2_mid' } });
    await waitFor(() => expect(core.lastParams('trainingDefaults')).toEqual({ backbone: 'mobilenet_v2_mid' }));
    await waitFor(() => expect(input('Epochs').placeholder).toBe('10'));
    expect(input('Learning rate').placeholder).toBe('0.001');
    await fireEvent.click(screen.getByRole('button', { name: 'Start training' }));
    await waitFor(() =>
      expect(core.lastParams('startTraining')).toEqual({ loss: 'npair', backbone: 'mobilenet_v2_mid' }),
    );
  });

  it('resumes a cancelled or failed run by id alone, its settings locked', async () => {
    const core = trainCore();
    render(TrainForm, { context: fakeApp(core).context, props: { running: false } });
    const resume = screen.getByLabelText('Resume') as HTMLSelectElement;
    await waitFor(() => expect(resume.options).toHaveLength(4));
    expect(Array.from(resume.options, (o) => o.textContent)).toEqual([
      'a new run',
      '#4 contrastive (failed after 1 epoch)',
      '#2 run-2 (cancelled after 3 epochs)',
      '#1 run-1 (done after 2 epochs): continue',
    ]);
    await fireEvent.input(input('Epochs'), { target: { value: '5' } });
    await fireEvent.change(resume, { target: { value: '2' } });
    expect(input('Epochs').disabled).toBe(true);
    expect((screen.getByLabelText('Loss') as HTMLSelectElement).disabled).toBe(true);
    await fireEvent.click(screen.getByRole('button', { name: 'Resume training' }));
    await waitFor(() => expect(core.lastParams('startTraining')).toEqual({ resumeModelId: 2 }));
  });

  it('refuses a second run while one trains, and says why a run did not start', async () => {
    const core = trainCore();
    const { rerender } = render(TrainForm, { context: fakeApp(core).context, props: { running: true } });
    expect((screen.getByRole('button', { name: 'Training…' }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByText('One training run at a time; cancel it to start another.')).toBeTruthy();

    core.handlers.startTraining = () => {
      throw new Error('the lab has no captions');
    };
    await rerender({ running: false });
    await fireEvent.click(screen.getByRole('button', { name: 'Start training' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Training not started: the lab has no captions');
    expect((screen.getByRole('button', { name: 'Start training' }) as HTMLButtonElement).disabled).toBe(false);
  });
});

describe('TrainForm defaults and readiness', () => {
  it('shows each setting’s default as its placeholder, and how long a default run takes where a speed was measured', async () => {
    const core = trainCore();
    core.handlers.trainingDefaults = () =>
      makeTrainingDefaults({ estimate: { seconds: 444, samplesPerSec: 69.4, modelId: 1 } });
    render(TrainForm, { context: fakeApp(core).context, props: { running: false } });
    await waitFor(() => expect(input('Epochs').placeholder).toBe('20'));
    expect(
      ['Batch size', 'Embedding dim', 'Image size', 'Learning rate', 'Seed'].map((l) => input(l).placeholder),
    ).toEqual(['64', '128', '64', '0.002', '1']);
    const estimate = screen.getByTestId('train-estimate');
    expect(estimate.textContent?.replace(/\s+/g, ' ').trim()).toBe(
      'A run of 20 epochs trains for about 7 min 24 s (validation aside), at the 69.4 samples/s run #1 measured.',
    );
    await fireEvent.input(input('Epochs'), { target: { value: '5' } });
    await waitFor(() => expect(estimate.textContent).toContain('A run of 5 epochs trains for about 1 min 51 s'));
    // Another network trains at another speed: no estimate rather than a wrong one.
    await fireEvent.input(input('Embedding dim'), { target: { value: '32' } });
    await waitFor(() => expect(screen.queryByTestId('train-estimate')).toBeNull());
  });

  it('says nothing of a duration when no run has measured a speed', async () => {
    const core = trainCore();
    render(TrainForm, { context: fakeApp(core).context, props: { running: false } });
    await waitFor(() => expect(input('Epochs').placeholder).toBe('20'));
    expect(screen.queryByTestId('train-estimate')).toBeNull();
  });

  it('warns when the train split lacks captions, and asks core again for the batch size typed', async () => {
    const core = trainCore();
    core.handlers.trainingDefaults = (p) =>
      makeTrainingDefaults({
        readiness: {
          trainImages: 30,
          captioned: 0,
          pairs: 30,
          batch: Math.min(p.batch ?? 64, 30),
          problems: [
            { severity: 'warning', message: 'the train split has no captions: import captions' },
            ...(p.batch === 16 ? [] : [{ severity: 'warning' as const, message: 'fewer than one batch of 64' }]),
          ],
        },
      });
    render(TrainForm, { context: fakeApp(core).context, props: { running: false } });
    await waitFor(() => expect(screen.getAllByRole('note')).toHaveLength(2));
    expect(screen.getAllByRole('note').map((n) => n.textContent)).toEqual([
      'Warning: the train split has no captions: import captions',
      'Warning: fewer than one batch of 64',
    ]);
    expect((screen.getByRole('button', { name: 'Start training' }) as HTMLButtonElement).disabled).toBe(false);
    await fireEvent.input(input('Batch size'), { target: { value: '16' } });
    await waitFor(() => expect(core.lastParams('trainingDefaults')).toEqual({ batch: 16 }));
    await waitFor(() => expect(screen.getAllByRole('note')).toHaveLength(1));
  });

  it('shows the error a run would stop with and does not start one', async () => {
    const core = trainCore();
    core.handlers.trainingDefaults = () =>
      makeTrainingDefaults({
        readiness: {
          trainImages: 1,
          captioned: 0,
          pairs: 0,
          batch: 1,
          problems: [{ severity: 'error', message: 'training needs at least 2: import captions' }],
        },
      });
    render(TrainForm, { context: fakeApp(core).context, props: { running: false } });
    expect((await screen.findByRole('alert')).textContent).toContain(
      'The train split cannot train a model: training needs at least 2: import captions',
    );
    expect((screen.getByRole('button', { name: 'Start training' }) as HTMLButtonElement).disabled).toBe(true);
  });
});

describe('TrainForm continuing a finished run', () => {
  it('trains a finished run on to the epochs given in total, more than it has', async () => {
    const core = trainCore();
    render(TrainForm, { context: fakeApp(core).context, props: { running: false, resume: '1' } });
    const button = await screen.findByRole('button', { name: 'Continue for more epochs' });
    expect(input('Epochs').disabled).toBe(false);
    expect(input('Epochs').placeholder).toBe('more than 2');
    expect(document.activeElement).toBe(input('Epochs'));
    expect(input('Batch size').disabled).toBe(true);
    expect(screen.getByTestId('train-continue').textContent).toContain('more than 2');
    expect((button as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.input(input('Epochs'), { target: { value: '2' } });
    expect((button as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.input(input('Epochs'), { target: { value: '5' } });
    expect((button as HTMLButtonElement).disabled).toBe(false);
    await fireEvent.click(button);
    await waitFor(() => expect(core.lastParams('startTraining')).toEqual({ resumeModelId: 1, epochs: 5 }));
  });
});
