import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { Results } from '$api/contract.ts';
import { editFrom, fakeApp, labCore, stopApps, suggestFrom } from '../../testing/fake-core.ts';
import LabelQueue from './LabelQueue.svelte';

afterEach(stopApps);

/**
 * A lab of 8 items, items 5–8 unlabeled. Classes (sorted): Animals, Flags, Food; the fake suggests for item i the
 * class i mod 3: item 5 Food, 6 Animals, 7 Flags, 8 Food.
 */
function queueCore(extra: Parameters<typeof labCore>[1] = {}) {
  const made = labCore(8);
  for (const it of made.items) if (it.id >= 5) it.label = null;
  const curve = (): Results['knnCurve'] => ({
    modelId: 3,
    points: [1, 3, 5].map((k) => ({ k, accuracy: 0.5 + made.items.filter((i) => i.label).length / 100 })),
    bestK: 3,
  });
  Object.assign(made.core.handlers, {
    suggest: suggestFrom(made.items),
    editItem: editFrom(made.items),
    undoItemEdit: (p: { id: number }) => {
      const it = made.items.find((i) => i.id === p.id)!;
      it.label = null;
      return { undone: [], item: { ...it, format: 'png', bytes: 1, hash: 'h', duplicates: [], history: [] } };
    },
    knnCurve: curve,
    ...extra,
  });
  return made;
}

const shownItem = () => Number(screen.getByTestId('queue-item').getAttribute('data-item'));
const queue = () => screen.getByRole('region', { name: 'Label queue' });
const count = (id: string) => screen.getByTestId(id).textContent?.trim();

async function showQueue(core: ReturnType<typeof queueCore>['core'], props = {}) {
  render(LabelQueue, { context: fakeApp(core).context, props: { modelId: 3, curveDebounceMs: 10_000, ...props } });
  await screen.findByTestId('queue-item');
}

describe('LabelQueue', () => {
  it('asks what to label next, shows one image with its suggestion, and takes the keys at once', async () => {
    const { core } = queueCore();
    await showQueue(core);
    expect(core.lastParams('suggest')).toEqual({ strategy: 'mixed', method: 'knn', n: 20, modelId: 3 });
    expect(shownItem()).toBe(5);
    expect(screen.getByTestId('queue-suggested').textContent).toBe('Food');
    const classes = within(screen.getByRole('list', { name: 'Classes' })).getAllByRole('button');
    expect(classes.map((b) => b.getAttribute('aria-label'))).toEqual([
      'Label as Animals',
      'Label as Flags',
      'Label as Food',
    ]);
    expect(classes.map((b) => b.textContent?.replace(/\s+/g, ' ').trim())).toEqual([
      '1 Animals 20.0 %',
      '2 Flags 20.0 %',
      '3 Food 60.0 %',
    ]);
    expect([count('queue-labeled'), count('queue-left'), count('queue-unlabeled')]).toEqual(['0', '4', '4']);
    expect(document.activeElement).toBe(queue());
  });

  it('pressing "2" labels the image with the second class and moves on; Enter accepts the suggestion', async () => {
    const { core, items } = queueCore();
    await showQueue(core);
    await fireEvent.keyDown(queue(), { key: '2' });
    await waitFor(() => expect(core.paramsOf('editItem')).toEqual([{ id: 5, label: 'Flags' }]));
    expect(shownItem()).toBe(6);
    expect(screen.getByTestId('queue-suggested').textContent).toBe('Animals');

    await fireEvent.keyDown(queue(), { key: 'Enter' });
    await waitFor(() => expect(core.lastParams('editItem')).toEqual({ id: 6, label: 'Animals' }));
    expect(shownItem()).toBe(7);
    expect(items.find((i) => i.id === 5)?.label).toBe('Flags');
    expect([count('queue-labeled'), count('queue-left'), count('queue-unlabeled')]).toEqual(['2', '2', '2']);
    expect(screen.getByText('Labeled item-6.png as Animals.').getAttribute('role')).toBe('status');
  });

  it('a first letter selects the class and pressing it again cycles among classes sharing it; Enter labels it', async () => {
    const { core } = queueCore();
    await showQueue(core);
    const selected = () => screen.getByRole('button', { current: true }).getAttribute('aria-label');
    expect(selected()).toBe('Label as Food');
    await fireEvent.keyDown(queue(), { key: 'f' });
    expect(selected()).toBe('Label as Flags');
    await fireEvent.keyDown(queue(), { key: 'f' });
    expect(selected()).toBe('Label as Food');
    await fireEvent.keyDown(queue(), { key: 'F' });
    expect(selected()).toBe('Label as Flags');
    await fireEvent.keyDown(queue(), { key: 'a' });
    await fireEvent.keyDown(queue(), { key: 'ArrowDown' });
    expect(selected()).toBe('Label as Flags');
    await fireEvent.keyDown(queue(), { key: 'Enter' });
    await waitFor(() => expect(core.lastParams('editItem')).toEqual({ id: 5, label: 'Flags' }));
  });

  it('S and → skip without labeling; Undo takes the last label back and shows that image again', async () => {
    const { core } = queueCore();
    await showQueue(core);
    await fireEvent.keyDown(queue(), { key: 's' });
    expect(shownItem()).toBe(6);
    await fireEvent.keyDown(queue(), { key: 'ArrowRight' });
    expect(shownItem()).toBe(7);
    expect(core.paramsOf('editItem')).toHaveLength(0);

    await fireEvent.click(screen.getByRole('button', { name: 'Label as Animals' }));
    expect(shownItem()).toBe(8);
    await waitFor(() => expect(document.activeElement).toBe(queue()));
    await fireEvent.click(screen.getByRole('button', { name: 'Undo' }));
    await waitFor(() => expect(core.paramsOf('undoItemEdit')).toEqual([{ id: 7 }]));
    expect(shownItem()).toBe(7);
    expect(count('queue-labeled')).toBe('0');
    expect(screen.queryByRole('button', { name: 'Undo' })).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(queue()));

    await fireEvent.keyDown(queue(), { key: '3' });
    await fireEvent.keyDown(queue(), { key: 'z', ctrlKey: true });
    await waitFor(() => expect(core.paramsOf('undoItemEdit')).toHaveLength(2));
    expect(shownItem()).toBe(7);
  });

  it('asks for a new queue when it runs out, leaving out what was skipped, until everything is labeled', async () => {
    const { core } = queueCore();
    await showQueue(core);
    await fireEvent.keyDown(queue(), { key: 's' });
    for (const _ of [6, 7, 8]) await fireEvent.keyDown(queue(), { key: 'Enter' });
    // Item 5 was skipped: the next queue holds only it, so it says so and offers it again.
    expect(await screen.findByText('You skipped every suggestion')).toBeTruthy();
    expect(core.paramsOf('suggest')).toHaveLength(2);
    expect(core.paramsOf('editItem').map((p) => p.id)).toEqual([6, 7, 8]);
    await fireEvent.click(screen.getByRole('button', { name: 'Show them again' }));
    await waitFor(() => expect(shownItem()).toBe(5));
    await fireEvent.keyDown(queue(), { key: '1' });
    expect(await screen.findByText('Everything is labeled')).toBeTruthy();
    expect(count('queue-unlabeled')).toBe('0');
  });

  it('types a class the lab has none of yet', async () => {
    const { core } = queueCore();
    await showQueue(core);
    await fireEvent.input(screen.getByRole('textbox', { name: 'Another class' }), { target: { value: ' Sports ' } });
    await fireEvent.submit(screen.getByRole('textbox', { name: 'Another class' }).closest('form')!);
    await waitFor(() => expect(core.lastParams('editItem')).toEqual({ id: 5, label: 'Sports' }));
    expect(screen.getByRole('button', { name: 'Label as Sports' })).toBeTruthy();
    // Typing in the field is not a shortcut.
    await fireEvent.keyDown(screen.getByRole('textbox', { name: 'Another class' }), { key: '1' });
    expect(core.paramsOf('editItem')).toHaveLength(1);
  });

  it('measures k-NN accuracy again after every few labels and shows the change', async () => {
    const { core } = queueCore();
    await showQueue(core, { curveEvery: 2 });
    expect((await screen.findByTestId('queue-accuracy')).textContent).toMatch(/Best K = 3, accuracy 54\.0 %/);
    expect(core.paramsOf('knnCurve')).toEqual([{ metric: 'cosine', maxK: 30, modelId: 3 }]);
    await fireEvent.keyDown(queue(), { key: 'Enter' });
    await new Promise((r) => setTimeout(r, 30));
    expect(core.paramsOf('knnCurve')).toHaveLength(1);
    await fireEvent.keyDown(queue(), { key: 'Enter' });
    await waitFor(() => expect(core.paramsOf('knnCurve')).toHaveLength(2));
    await waitFor(() =>
      expect(screen.getByTestId('queue-accuracy').textContent).toMatch(
        /accuracy 56\.0 %\s*\(\+2\.0 points after 2 labels\)/,
      ),
    );
  });

  it('measures once labeling pauses', async () => {
    const { core } = queueCore();
    await showQueue(core, { curveEvery: 5, curveDebounceMs: 20 });
    await screen.findByTestId('queue-accuracy');
    await fireEvent.keyDown(queue(), { key: 'Enter' });
    await waitFor(() => expect(core.paramsOf('knnCurve')).toHaveLength(2));
    await new Promise((r) => setTimeout(r, 60));
    expect(core.paramsOf('knnCurve')).toHaveLength(2);
  });

  it('shows a failed suggestion with a retry', async () => {
    const { core, items } = queueCore({
      suggest: () => {
        throw new Error('no labeled items to vote');
      },
    });
    render(LabelQueue, { context: fakeApp(core).context, props: { modelId: null, curveDebounceMs: 20 } });
    expect((await screen.findByRole('alert')).textContent).toContain(
      'Could not suggest what to label: no labeled items to vote',
    );
    expect(core.lastParams('suggest')).toEqual({ strategy: 'mixed', method: 'knn', n: 20 });
    core.handlers.suggest = suggestFrom(items);
    await fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByTestId('queue-item')).toBeTruthy();
  });

  it('asks again with the chosen order and method', async () => {
    const { core } = queueCore();
    await showQueue(core);
    await fireEvent.change(screen.getByLabelText('Order'), { target: { value: 'diverse' } });
    await fireEvent.change(screen.getByLabelText('Suggest with'), { target: { value: 'zero-shot' } });
    await waitFor(() =>
      expect(core.lastParams('suggest')).toEqual({ strategy: 'diverse', method: 'zero-shot', n: 20, modelId: 3 }),
    );
    expect(await screen.findByText('Picked for diversity: far from every labeled image.')).toBeTruthy();
  });
});
