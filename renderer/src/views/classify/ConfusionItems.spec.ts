import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeApp, labCore, stopApps } from '../../testing/fake-core.ts';
import ConfusionItems from './ConfusionItems.svelte';

afterEach(stopApps);

const cell = {
  modelId: 3,
  split: 'val' as const,
  k: 7,
  metric: 'cosine' as const,
  trueLabel: 'Food',
  predicted: 'Flags',
};

describe('ConfusionItems', () => {
  it("lists a cell's items with their true and predicted labels, each opening the item in the Library", async () => {
    const { core } = labCore(4, {
      confusionItems: () => ({
        items: [
          { itemId: 2, path: 'images/a.png', label: 'Food', predicted: 'Flags', caption: 'a red apple' },
          { itemId: 4, path: 'images/b.png', label: 'Food', predicted: 'Flags', caption: null },
        ],
      }),
    });
    const app = fakeApp(core);
    const onclose = vi.fn();
    render(ConfusionItems, { context: app.context, props: { cell, onclose } });
    const list = await screen.findByRole('list', { name: 'Items of Food predicted as Flags' });
    expect(core.lastParams('confusionItems')).toEqual(cell);
    expect(screen.getByText('val split, K = 7, cosine: 2 items')).toBeTruthy();
    const items = within(list).getAllByRole('button');
    expect(items.map((b) => b.textContent?.replace(/\s+/g, ' ').trim())).toEqual([
      'images/a.png true Food · predicted Flags a red apple',
      'images/b.png true Food · predicted Flags',
    ]);
    await fireEvent.click(screen.getByRole('button', { name: 'Open images/b.png in the Library' }));
    expect([app.app.router.path, app.app.router.params]).toEqual(['library', { item: '4' }]);
    await fireEvent.click(screen.getByRole('button', { name: 'Close' }));
    expect(onclose).toHaveBeenCalledOnce();
  });

  it('says when the listing failed and tries again', async () => {
    const { core } = labCore(4, {
      confusionItems: () => {
        throw new Error('label "Food" is not in the val split');
      },
    });
    render(ConfusionItems, { context: fakeApp(core).context, props: { cell, onclose: () => {} } });
    expect((await screen.findByRole('alert')).textContent).toContain('label "Food" is not in the val split');
    core.handlers.confusionItems = () => ({ items: [] });
    await fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('No item of Food was predicted as Flags.')).toBeTruthy();
  });
});
