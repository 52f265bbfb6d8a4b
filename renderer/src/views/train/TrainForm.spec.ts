import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeApp, labCore, makeModel, stopApps } from '../../testing/fake-core.ts';
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

  it('resumes a cancelled or failed run by id alone, its settings locked', async () => {
    const core = trainCore();
    render(TrainForm, { context: fakeApp(core).context, props: { running: false } });
    const resume = screen.getByLabelText('Resume') as HTMLSelectElement;
    await waitFor(() => expect(resume.options).toHaveLength(3));
    expect(Array.from(resume.options, (o) => o.textContent)).toEqual([
      'a new run',
      '#4 contrastive (failed after 1 epoch)',
      '#2 run-2 (cancelled after 3 epochs)',
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
