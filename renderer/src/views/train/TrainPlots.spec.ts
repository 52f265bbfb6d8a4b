import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import TrainPlots from './TrainPlots.svelte';

const recall = (r1: number) => ({ r1, r5: r1 * 2, r10: r1 * 3, medianRank: 4 });

describe('TrainPlots', () => {
  it('plots the loss by step and validation recall by finished epoch, counted from 1', () => {
    render(TrainPlots, {
      props: {
        history: {
          steps: [
            { step: 1, epoch: 0, loss: 3.2 },
            { step: 2, epoch: 0, loss: 2.9 },
            { step: 3, epoch: 1, loss: 2.5 },
          ],
          epochs: [
            { epoch: 0, t2i: recall(0.1), i2t: recall(0.05), loss: 3 },
            { epoch: 1, t2i: recall(0.2), i2t: recall(0.1), loss: 2.6 },
          ],
        },
      },
    });
    const [loss, recallPlot] = screen.getAllByTestId('plot-last').map((p) => p.textContent);
    expect(screen.getByRole('figure', { name: 'Training loss' })).toBeTruthy();
    expect(loss).toBe('last step 3: loss 2.500');
    expect(recallPlot).toBe(
      'last epoch 2: text→image R@1 0.200, text→image R@5 0.400, text→image R@10 0.600, ' +
        'image→text R@1 0.100, image→text R@5 0.200, image→text R@10 0.300',
    );
  });

  it('shows empty plots before the first step', () => {
    render(TrainPlots, { props: { history: { steps: [], epochs: [] } } });
    expect(screen.getAllByText('No data yet.')).toHaveLength(2);
  });
});
