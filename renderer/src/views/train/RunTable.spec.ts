import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import { makeModel } from '../../testing/fake-core.ts';
import RunTable from './RunTable.svelte';

const recall = (r1: number) => ({ r1, r5: r1 + 0.1, r10: r1 + 0.2, medianRank: 3 });
const models = [
  makeModel(3, {
    name: 'triplet',
    loss: 'triplet',
    status: 'cancelled',
    config: { model: { dim: 64, imageSize: 48 }, batchSize: 32, lr: 0.002 },
    metrics: { t2i: recall(0.4), i2t: recall(0.3), knnAccuracy: 0.8, zeroShotAccuracy: null },
    embedded: false,
  }),
  makeModel(2, { metrics: { t2i: recall(0.2), i2t: recall(0.3), knnAccuracy: 0.6, zeroShotAccuracy: 0.5 } }),
  makeModel(1, { name: '#1 first', status: 'failed', config: {} }),
];

const cells = (row: HTMLElement) => Array.from(row.children, (c) => (c.textContent ?? '').trim());
const rows = () =>
  within(screen.getByRole('table', { name: 'Training runs' }))
    .getAllByRole('row')
    .slice(1);

describe('RunTable', () => {
  it('lists each run with its settings, wherever its config keeps them, and its validation metrics', () => {
    render(RunTable, { props: { models, selectedId: null, onselect: () => {} } });
    const [a, b, c] = rows().map(cells);
    expect(a.slice(0, 16)).toEqual(
      ['#3 triplet', 'triplet', 'CNN (scratch)', 'cancelled', '2', '64', '32', '48', '0.002'].concat([
        '40.0 %',
        '50.0 %',
        '60.0 %',
        '30.0 %',
        '40.0 %',
        '80.0 %',
        '—',
      ]),
    );
    expect(b.slice(0, 9)).toEqual(['#2 run-2', 'npair', 'CNN (scratch)', 'done', '2', '32', '16', '32', '0.001']);
    expect(c.slice(0, 16)).toEqual([
      '#1 first',
      'npair',
      'CNN (scratch)',
      'failed',
      '2',
      '—',
      '—',
      '—',
      '—',
      ...Array(7).fill('—'),
    ]);
    expect([a[16], b[16]]).toEqual(['no', 'yes']);
  });

  it('shows each model’s image tower: a head on a frozen backbone, backbone features (no loss), a CLIP', () => {
    const kinds = [
      makeModel(3, { name: '#3 npair', backbone: 'mobilenet_v2_mid' }),
      makeModel(2, {
        name: '#2 backbone features (mobilenet_v2_mid)',
        kind: 'backbone',
        backbone: 'mobilenet_v2_mid',
        loss: null,
      }),
      makeModel(1, { name: '#1 ONNX CLIP', kind: 'onnx-clip', backbone: null, loss: null }),
    ];
    render(RunTable, { props: { models: kinds, selectedId: null, onselect: () => {} } });
    expect(rows().map((r) => cells(r).slice(0, 3))).toEqual([
      ['#3 npair', 'npair', 'mobilenet_v2_mid + head'],
      ['#2 backbone features (mobilenet_v2_mid)', '—', 'mobilenet_v2_mid (frozen)'],
      ['#1 ONNX CLIP', '—', 'ONNX CLIP'],
    ]);
  });

  it('highlights the best value of each metric, but not a tie', () => {
    render(RunTable, { props: { models, selectedId: null, onselect: () => {} } });
    const best = rows().map((r) => Array.from(r.querySelectorAll('td.best'), (td) => td.textContent));
    // Run 3 leads T→I R@1/5/10 and kNN; I→T R@1 and R@5 are tied; zero-shot has one value only.
    expect(best).toEqual([['40.0 %', '50.0 %', '60.0 %', '80.0 %'], [], []]);
  });

  it('selects a run, and resumes only a cancelled or failed one while nothing trains', async () => {
    const onselect = vi.fn();
    const onresume = vi.fn();
    const { rerender } = render(RunTable, { props: { models, selectedId: 2, onselect, onresume } });
    expect(screen.getByRole('button', { name: '#2 run-2' }).getAttribute('aria-pressed')).toBe('true');
    expect(rows()[1].classList.contains('selected')).toBe(true);
    await fireEvent.click(screen.getByRole('button', { name: '#3 triplet' }));
    expect(onselect).toHaveBeenCalledWith(3);

    const resume = screen.getAllByRole('button', { name: /^Resume run/ });
    expect(resume.map((b) => b.getAttribute('aria-label'))).toEqual(['Resume run #3', 'Resume run #1']);
    await fireEvent.click(resume[1]);
    expect(onresume).toHaveBeenCalledWith(1);
    await rerender({ busy: true });
    expect(screen.getAllByRole('button', { name: /^Resume run/ }).every((b) => (b as HTMLButtonElement).disabled)).toBe(
      true,
    );
  });
});

describe('RunTable actions', () => {
  const runs = [
    makeModel(4, { status: 'training', epochsDone: 1 }),
    makeModel(3, { status: 'done' }),
    makeModel(2, { name: 'backbone features', kind: 'backbone', loss: null, status: 'done', epochsDone: 0 }),
    makeModel(1, { status: 'cancelled' }),
  ];

  it('offers to continue a finished run trained here, not one that is training, stopped or not trained here', async () => {
    const oncontinue = vi.fn();
    const { rerender } = render(RunTable, {
      props: { models: runs, selectedId: null, onselect: () => {}, oncontinue },
    });
    const buttons = screen.getAllByRole('button', { name: /^Continue run/ });
    expect(buttons.map((b) => b.getAttribute('aria-label'))).toEqual(['Continue run #3 for more epochs']);
    await fireEvent.click(buttons[0]);
    expect(oncontinue).toHaveBeenCalledWith(3);
    await rerender({ busy: true });
    expect((screen.getByRole('button', { name: /^Continue run/ }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('removes a run once confirmed, and shows why core refused', async () => {
    const onremove = vi.fn(async (id: number) => {
      if (id === 4) throw new Error('model 4 is training (pid 42): stop it before removing it');
    });
    render(RunTable, { props: { models: runs, selectedId: null, onselect: () => {}, onremove } });
    const row = (i: number) => rows()[i];
    await fireEvent.click(within(row(1)).getByRole('button', { name: 'Remove' }));
    const confirm = within(row(1)).getByRole('group', { name: 'Confirm: Remove' });
    expect(confirm.textContent).toContain('Remove run #3 run-3 with its history, checkpoints and embeddings?');
    expect(onremove).not.toHaveBeenCalled();
    await fireEvent.click(within(confirm).getByRole('button', { name: 'Cancel' }));
    expect(within(row(1)).queryByRole('group')).toBeNull();

    await fireEvent.click(within(row(1)).getByRole('button', { name: 'Remove' }));
    await fireEvent.click(within(row(1)).getByRole('button', { name: 'Remove run #3' }));
    expect(onremove).toHaveBeenCalledWith(3);

    await fireEvent.click(within(row(0)).getByRole('button', { name: 'Remove' }));
    await fireEvent.click(within(row(0)).getByRole('button', { name: 'Remove run #4' }));
    expect((await within(row(0)).findByRole('alert')).textContent).toBe(
      'model 4 is training (pid 42): stop it before removing it',
    );
  });
});
