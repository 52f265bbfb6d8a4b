import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeApp, labCore, makeComparison, stopApps } from '../../testing/fake-core.ts';
import CompareHits from './CompareHits.svelte';

afterEach(stopApps);

const q = makeComparison({ modelA: 1, modelB: 2, query: { text: 'flag' } }).query!;

describe('CompareHits', () => {
  it("badges model B's hits with how far each moved from its rank under A", () => {
    const { core } = labCore(4);
    render(CompareHits, {
      context: fakeApp(core).context,
      props: { side: 'b', title: 'B', hits: q.b, moved: q.moved },
    });
    const list = screen.getByRole('list', { name: 'B' });
    expect(
      within(list)
        .getAllByTestId('moved')
        .map((b) => b.textContent),
    ).toEqual(['moved up 1', 'new under B', 'moved down 2']);
  });

  it("badges model A's hits with their rank under B, and opens a hit in the Library", async () => {
    const { core } = labCore(4);
    const app = fakeApp(core);
    render(CompareHits, { context: app.context, props: { side: 'a', title: 'A', hits: q.a, moved: q.moved } });
    expect(screen.getAllByTestId('moved').map((b) => b.textContent)).toEqual([
      '#3 under B',
      '#1 under B',
      "not in B's list",
    ]);
    await fireEvent.click(screen.getByTitle('Open images/item-2.png in the Library'));
    expect([app.app.router.path, app.app.router.params]).toEqual(['library', { item: '2' }]);
  });
});
