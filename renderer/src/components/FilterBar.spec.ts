import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeApp, FakeCore, makeInfo, makeItems, stopApps } from '../testing/fake-core.ts';
import FilterBar from './FilterBar.svelte';

afterEach(stopApps);

describe('FilterBar', () => {
  it("offers the lab's labels, most frequent first with their counts, and binds label and split", async () => {
    const items = makeItems(7).map((it, i) => ({ ...it, label: ['Food', 'Flags', 'Food', 'Animals'][i % 4] }));
    const core = new FakeCore({
      info: () => makeInfo(items),
      jobs: () => ({ jobs: [] }),
      models: () => ({ models: [] }),
    });
    const bound = { label: '', split: '' as '' | 'train' | 'val' | 'test' };
    render(FilterBar, {
      context: fakeApp(core).context,
      props: {
        get label() {
          return bound.label;
        },
        set label(v: string) {
          bound.label = v;
        },
        get split() {
          return bound.split;
        },
        set split(v: '' | 'train' | 'val' | 'test') {
          bound.split = v;
        },
      },
    });
    const label = screen.getByLabelText('Label') as HTMLSelectElement;
    await waitFor(() => expect(label.options).toHaveLength(4));
    expect(Array.from(label.options, (o) => o.textContent)).toEqual([
      'All labels',
      'Food (4)',
      'Flags (2)',
      'Animals (1)',
    ]);
    await fireEvent.change(label, { target: { value: 'Flags' } });
    await fireEvent.change(screen.getByLabelText('Split'), { target: { value: 'val' } });
    expect(bound).toEqual({ label: 'Flags', split: 'val' });
  });
});
