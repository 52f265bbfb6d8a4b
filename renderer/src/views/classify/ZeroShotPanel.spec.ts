import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { Params, Results } from '$api/contract.ts';
import { fakeApp, labCore, makeCalibration, stopApps } from '../../testing/fake-core.ts';
import ZeroShotPanel from './ZeroShotPanel.svelte';

afterEach(stopApps);
/** A colour as the DOM writes it back (jsdom turns hex into rgb()). */
const cssColor = (c: string) => {
  const el = document.createElement('i');
  el.style.backgroundColor = c;
  return el.style.backgroundColor;
};

function zeroShot(p: Params<'classify'>): Results['classify'] {
  const labels = p.method.kind === 'zero-shot' ? p.method.labels : [];
  const probabilities = Object.fromEntries(
    labels.map((l, i) => [l, i === labels.length - 1 ? 0.8 : 0.2 / (labels.length - 1)]),
  );
  return { modelId: 3, label: labels[labels.length - 1], probabilities, trueLabel: null, neighbours: [] };
}

const image = { kind: 'item' as const, itemId: 4, name: 'item 4' };

describe('ZeroShotPanel', () => {
  it("starts from the lab's labels and shows p(label | image) for the picked image", async () => {
    const { core } = labCore(4, { classify: zeroShot });
    render(ZeroShotPanel, {
      context: fakeApp(core).context,
      props: { image, modelId: 3, initialLabels: ['Flags', 'Food'], debounceMs: 0 },
    });
    expect((screen.getByLabelText('Labels (comma-separated)') as HTMLTextAreaElement).value).toBe('Flags, Food');
    expect((await screen.findByTestId('zero-shot-label')).textContent).toBe('Food');
    expect(core.lastParams('classify')).toEqual({
      image: { itemId: 4 },
      method: { kind: 'zero-shot', labels: ['Flags', 'Food'] },
      modelId: 3,
    });
    const bars = within(screen.getByRole('list', { name: 'p(label | image)' })).getAllByRole('listitem');
    expect(bars.map((li) => li.getAttribute('aria-label'))).toEqual(['Food: 80.0 %', 'Flags: 20.0 %']);
    // Settled labels are classified once, not again and again.
    await new Promise((r) => setTimeout(r, 30));
    const calls = core.paramsOf('classify').length;
    await new Promise((r) => setTimeout(r, 150));
    expect(core.paramsOf('classify')).toHaveLength(calls);
  });

  it('colours each label as every view does, typed labels outside the lab too', async () => {
    const { core } = labCore(4, { classify: zeroShot });
    const app = fakeApp(core);
    render(ZeroShotPanel, {
      context: app.context,
      props: { image, modelId: 3, initialLabels: ['Flags', 'zebra'], debounceMs: 0 },
    });
    await screen.findByTestId('zero-shot-label');
    await waitFor(() => expect(app.app.lab.info).not.toBeNull());
    const fills = within(screen.getByRole('list', { name: 'p(label | image)' }))
      .getAllByRole('listitem')
      .map((li) => [
        li.querySelector('.name')?.textContent,
        (li.querySelector('.fill') as HTMLElement).style.backgroundColor,
      ]);
    expect(Object.fromEntries(fills)).toEqual({
      Flags: cssColor(app.app.lab.labelColor('Flags')),
      zebra: cssColor(app.app.lab.labelColor('zebra')),
    });
  });

  it('sends the typed labels (trimmed, no repeats) and prompt templates', async () => {
    const { core } = labCore(4, { classify: zeroShot });
    render(ZeroShotPanel, { context: fakeApp(core).context, props: { image, initialLabels: [], debounceMs: 0 } });
    await fireEvent.input(screen.getByLabelText('Labels (comma-separated)'), { target: { value: ' cat, dog,, cat ' } });
    await fireEvent.input(screen.getByLabelText('Prompt templates'), {
      target: { value: 'a photo of {}\n\na drawing of {}' },
    });
    await waitFor(() =>
      expect(core.lastParams('classify')?.method).toEqual({
        kind: 'zero-shot',
        labels: ['cat', 'dog'],
        templates: ['a photo of {}', 'a drawing of {}'],
      }),
    );
    expect((await screen.findByTestId('zero-shot-label')).textContent).toBe('dog');
  });

  it('waits for an image and at least one label, and shows a failed classification', async () => {
    const { core } = labCore(4, { classify: zeroShot });
    const { rerender } = render(ZeroShotPanel, {
      context: fakeApp(core).context,
      props: { image: null, initialLabels: ['Flags'], debounceMs: 0 },
    });
    expect(screen.getByText('Choose an image to see p(label | image) for these labels.')).toBeTruthy();
    await rerender({ image });
    await screen.findByTestId('zero-shot-label');
    await new Promise((r) => setTimeout(r, 20));
    const calls = core.paramsOf('classify').length;
    await fireEvent.input(screen.getByLabelText('Labels (comma-separated)'), { target: { value: ' , ' } });
    expect(await screen.findByText('Type at least one label.')).toBeTruthy();
    await new Promise((r) => setTimeout(r, 20));
    expect(core.paramsOf('classify')).toHaveLength(calls);

    core.handlers.classify = () => {
      throw new Error('the model has no text tower');
    };
    await fireEvent.input(screen.getByLabelText('Labels (comma-separated)'), { target: { value: 'cat' } });
    expect((await screen.findByRole('alert')).textContent).toContain(
      'Zero-shot classification failed: the model has no text tower',
    );
  });

  it("shows each label's threshold calibrated at 90 % and whether the image's score passes it", async () => {
    const { core } = labCore(4, {
      classify: (p) => ({ ...zeroShot(p), scores: { Flags: 0.25, Food: 0.42 } }),
      calibrate: (p) => makeCalibration(p, { threshold: 0.3 }),
    });
    render(ZeroShotPanel, {
      context: fakeApp(core).context,
      props: { image, modelId: 3, initialLabels: ['Flags', 'Food'], debounceMs: 0 },
    });
    const table = await screen.findByRole('table', { name: 'Calibrated thresholds' });
    const rows = within(table)
      .getAllByRole('row')
      .slice(1)
      .map((r) => Array.from(r.children, (c) => c.textContent?.replace(/\s+/g, ' ').trim()));
    expect(rows).toEqual([
      ['Flags', '0.300', '0.250', '✗ below'],
      ['Food', '0.300', '0.420', '✓ passes'],
    ]);
    expect(core.paramsOf('calibrate').map((p) => p.query)).toEqual([{ label: 'Flags' }, { label: 'Food' }]);
    expect(core.lastParams('calibrate')).toMatchObject({ precision: 0.9, split: 'val', modelId: 3 });
  });
});
