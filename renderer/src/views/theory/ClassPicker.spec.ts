import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import ClassPicker from './ClassPicker.svelte';

const props = { count: 2, active: 1, colors: ['#4e79a7', '#f28e2b'], names: ['class A', 'class B'], max: 3 };

describe('ClassPicker', () => {
  it('offers one radio per class, checks the active one and picks the clicked one', async () => {
    const onpick = vi.fn();
    render(ClassPicker, { props: { ...props, onpick } });
    const radios = screen.getAllByRole('radio');
    expect(radios.map((r) => [r.textContent, r.getAttribute('aria-checked')])).toEqual([
      ['class A', 'false'],
      ['class B', 'true'],
    ]);
    await fireEvent.click(radios[0]);
    expect(onpick).toHaveBeenCalledWith(0);
  });

  it('adds a class until the maximum, and only when the caller allows it', async () => {
    const onadd = vi.fn();
    const { rerender } = render(ClassPicker, { props: { ...props, onpick: () => {}, onadd } });
    await fireEvent.click(screen.getByRole('button', { name: 'Add a class' }));
    expect(onadd).toHaveBeenCalledTimes(1);
    await rerender({ count: 3, names: ['class A', 'class B', 'class C'] });
    expect(screen.queryByRole('button', { name: 'Add a class' })).toBeNull();
    await rerender({ count: 2, onadd: undefined });
    expect(screen.queryByRole('button', { name: 'Add a class' })).toBeNull();
  });
});
