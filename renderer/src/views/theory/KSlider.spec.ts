import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import KSlider from './KSlider.svelte';

/** KSlider with `value` bound: `k.value` is what the parent holds. */
function slider(value: number, max: number, min?: number) {
  const k = { value };
  render(KSlider, {
    props: {
      get value() {
        return k.value;
      },
      set value(v: number) {
        k.value = v;
      },
      max,
      ...(min !== undefined ? { min } : {}),
      id: 'k',
    },
  });
  return k;
}

const range = () => screen.getByRole('slider', { name: 'K (neighbours)' }) as HTMLInputElement;
const box = () => screen.getByLabelText('K (neighbours) value') as HTMLInputElement;

describe('KSlider', () => {
  it('runs on a log scale: half its travel reaches √max, its ends reach min and max', async () => {
    const k = slider(5, 100);
    expect(range().getAttribute('aria-valuetext')).toBe('K = 5');
    // log(5) / log(100) of the travel.
    expect(range().value).toBe(String(Math.round((Math.log(5) / Math.log(100)) * 1000)));
    await fireEvent.input(range(), { target: { value: '500' } });
    expect(k.value).toBe(10);
    await fireEvent.input(range(), { target: { value: '1000' } });
    expect(k.value).toBe(100);
    await fireEvent.input(range(), { target: { value: '0' } });
    expect(k.value).toBe(1);
  });

  it('takes a typed K, rounded and clamped to its bounds', async () => {
    const k = slider(5, 50, 2);
    await fireEvent.change(box(), { target: { value: '12.4' } });
    expect(k.value).toBe(12);
    await fireEvent.change(box(), { target: { value: '400' } });
    expect(k.value).toBe(50);
    await fireEvent.change(box(), { target: { value: '1' } });
    expect(k.value).toBe(2);
  });
});
