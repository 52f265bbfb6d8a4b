import { render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { Params } from '$api/contract.ts';
import { fakeApp, labCore, makeCalibration, stopApps } from '../../testing/fake-core.ts';
import ZeroShotThresholds from './ZeroShotThresholds.svelte';

afterEach(stopApps);

function calibrate(p: Params<'calibrate'>) {
  const label = 'label' in p.query ? p.query.label : '';
  if (label === 'zebra') throw new Error('no item is labeled "zebra"');
  return makeCalibration(p, { threshold: label === 'Food' ? null : 0.3 });
}

const cells = () =>
  within(screen.getByRole('table', { name: 'Calibrated thresholds' }))
    .getAllByRole('row')
    .slice(1)
    .map((r) => Array.from(r.children, (c) => c.textContent?.replace(/\s+/g, ' ').trim()));

describe('ZeroShotThresholds', () => {
  it("calibrates each label at 90 % on the val split and says whether the image's score passes", async () => {
    const { core } = labCore(4, { calibrate });
    render(ZeroShotThresholds, {
      context: fakeApp(core).context,
      props: {
        labels: ['Flags', 'Animals', 'Food', 'zebra'],
        modelId: 3,
        scores: { Flags: 0.41, Animals: 0.12, Food: 0.2, zebra: 0.1 },
        customTemplates: false,
      },
    });
    await screen.findByRole('table', { name: 'Calibrated thresholds' });
    expect(core.paramsOf('calibrate')).toEqual(
      ['Flags', 'Animals', 'Food', 'zebra'].map((label) => ({
        precision: 0.9,
        split: 'val',
        modelId: 3,
        query: { label },
      })),
    );
    expect(cells()).toEqual([
      ['Flags', '0.300', '0.410', '✓ passes'],
      ['Animals', '0.300', '0.120', '✗ below'],
      ['Food', 'no score reaches 90 % precision'],
      ['zebra', 'no item is labeled "zebra"'],
    ]);
  });

  it('a score equal to the threshold passes (score ≥ threshold), a label the core gave no score shows none', async () => {
    const { core } = labCore(4, { calibrate });
    render(ZeroShotThresholds, {
      context: fakeApp(core).context,
      props: {
        labels: ['Flags', 'Animals', 'Objects'],
        scores: { Flags: 0.3, Animals: 0.2999 },
        customTemplates: false,
      },
    });
    await screen.findByRole('table', { name: 'Calibrated thresholds' });
    expect(cells()).toEqual([
      ['Flags', '0.300', '0.300', '✓ passes'],
      ['Animals', '0.300', '0.300', '✗ below'],
      ['Objects', '0.300', '—', '—'],
    ]);
    expect(screen.getAllByTestId('passes').map((c) => c.textContent?.trim())).toEqual(['✓ passes', '✗ below', '—']);
  });

  it("shows only the thresholds without the image's scores, or with the user's own templates", async () => {
    const { core } = labCore(4, { calibrate });
    const { rerender } = render(ZeroShotThresholds, {
      context: fakeApp(core).context,
      props: { labels: ['Flags'], scores: null, customTemplates: false },
    });
    await waitFor(() => expect(cells()).toEqual([['Flags', '0.300', '—', '—']]));
    expect(screen.getByText(/did not report the image's scores/)).toBeTruthy();
    await rerender({ scores: { Flags: 0.5 }, customTemplates: true });
    expect(cells()).toEqual([['Flags', '0.300', '—', '—']]);
    expect(screen.getByText(/with your own templates the image's scores do not compare/)).toBeTruthy();
    // A new image (new scores) asks for no new calibration.
    expect(core.paramsOf('calibrate')).toHaveLength(1);
  });
});
