import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeApp, labCore, stopApps } from '../../testing/fake-core.ts';
import QueueItem from './QueueItem.svelte';

afterEach(stopApps);

const item = {
  item: 7,
  path: 'images/item-7.png',
  suggested: 'Food',
  score: 0.8,
  margin: 0.12,
  probabilities: { Animals: 0.3, Food: 0.42, Flags: 0.28 },
  reason: 'margin' as const,
};

describe('QueueItem', () => {
  it('shows the image large, why it was picked, the suggestion and each class with its key and probability', async () => {
    const { core } = labCore(2);
    const onlabel = vi.fn();
    const classes = ['Animals', 'Flags', 'Food', ...Array.from({ length: 8 }, (_, i) => `Class ${i}`)];
    render(QueueItem, { context: fakeApp(core).context, props: { item, classes, selected: 'Flags', onlabel } });
    expect(screen.getByRole('img').getAttribute('src')).toBe('/media/file/7');
    expect(
      screen.getByText(/Picked because its neighbours disagree\s+\(margin 0\.12 between the top two classes\)/),
    ).toBeTruthy();
    expect(screen.getByTestId('queue-suggested').textContent).toBe('Food');
    const buttons = within(screen.getByRole('list', { name: 'Classes' })).getAllByRole('button');
    expect(buttons.map((b) => b.getAttribute('aria-keyshortcuts'))).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
      '9',
      null,
      null,
    ]);
    expect(screen.getByRole('button', { current: true }).getAttribute('aria-label')).toBe('Label as Flags');
    await fireEvent.click(screen.getByRole('button', { name: 'Label as Animals' }));
    expect(onlabel).toHaveBeenCalledWith('Animals');
  });

  it('says when there is no suggestion, and why a diverse pick was made', () => {
    const { core } = labCore(2);
    render(QueueItem, {
      context: fakeApp(core).context,
      props: {
        item: { ...item, suggested: null, margin: null, reason: 'diverse' as const, probabilities: {} },
        classes: ['Animals'],
        selected: null,
        onlabel: () => {},
      },
    });
    expect(screen.getByText('No suggestion for this image: pick its class.')).toBeTruthy();
    expect(screen.getByText('Picked for diversity: far from every labeled image.')).toBeTruthy();
    expect(screen.queryByRole('button', { current: true })).toBeNull();
  });
});
