import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import { makeJob } from '../testing/fake-core.ts';
import JobProgress from './JobProgress.svelte';

describe('JobProgress', () => {
  it('cancels its job and shows a failed cancel', async () => {
    const oncancel = vi.fn(async () => {
      throw new Error('no such job');
    });
    const job = makeJob({
      id: 'j7',
      kind: 'train',
      title: 'Train npair',
      progress: {
        phase: 'model 3 train',
        done: 64,
        total: 512,
        rate: 320,
        etaSeconds: 14,
        detail: { modelId: 3, epoch: 1, epochs: 2, loss: 2.3456 },
      },
    });
    render(JobProgress, { props: { job, oncancel } });
    const text = screen.getByTestId('progress-text').textContent;
    expect(text).toContain('64 / 512 steps');
    expect(text).toContain('320 samples/s');
    expect(screen.getByTestId('job-detail').textContent?.replace(/\s+/g, ' ')).toBe('epoch 2/2 · loss 2.346');
    await fireEvent.click(screen.getByRole('button', { name: 'Cancel Train npair' }));
    expect(oncancel).toHaveBeenCalledWith('j7');
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('no such job'));
  });

  it('counts a features job in images', () => {
    const job = makeJob({
      kind: 'features',
      title: 'Backbone features (mobilenet_v2_mid)',
      progress: { phase: 'features', done: 256, total: 1911, rate: 40, etaSeconds: 41 },
    });
    render(JobProgress, { props: { job, oncancel: async () => {} } });
    const text = screen.getByTestId('progress-text').textContent;
    expect(text).toContain('256 / 1,911 images');
    expect(text).toContain('40.0 images/s');
  });

  it('counts one image in the singular', () => {
    const job = makeJob({ progress: { phase: 'import', done: 0, total: 1, rate: 0, etaSeconds: null } });
    render(JobProgress, { props: { job, oncancel: async () => {} } });
    expect(screen.getByTestId('progress-text').textContent).toContain('0 / 1 image');
    expect(screen.getByTestId('progress-text').textContent).not.toContain('1 images');
  });

  it('offers no cancel for a finished job', () => {
    render(JobProgress, { props: { job: makeJob({ status: 'done' }), oncancel: async () => {} } });
    expect(screen.queryByRole('button')).toBeNull();
  });
});
