import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import ProgressBar from './ProgressBar.svelte';

describe('ProgressBar', () => {
  it('shows done/total, rate and ETA', () => {
    render(ProgressBar, {
      props: {
        progress: { phase: 'decode', done: 120, total: 319, rate: 45.25, etaSeconds: 4.4 },
        unit: 'image',
        label: 'Import progress',
      },
    });
    const bar = screen.getByRole('progressbar', { name: 'Import progress' }) as HTMLProgressElement;
    expect(bar.value).toBe(120);
    expect(bar.max).toBe(319);
    const text = screen.getByTestId('progress-text').textContent ?? '';
    expect(text).toContain('120 / 319 images');
    expect(text).toContain('45.3 images/s');
    expect(text).toContain('ETA 4 s');
    expect(text).toContain('37 %');
  });

  it('is indeterminate before the first progress and says ETA is unknown while it is', () => {
    const { rerender } = render(ProgressBar, { props: { progress: null, unit: 'sample', label: 'Training' } });
    expect(screen.getByTestId('progress-text').textContent).toContain('starting');
    expect(screen.getByRole('progressbar').hasAttribute('value')).toBe(false);
    rerender({
      progress: { phase: '', done: 0, total: 10, rate: 0, etaSeconds: null },
      unit: 'sample',
      label: 'Training',
    });
    expect(screen.getByTestId('progress-text').textContent).toContain('ETA —');
  });
});
