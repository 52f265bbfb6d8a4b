import { render } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import MarkedText from './MarkedText.svelte';

const marks = (el: HTMLElement) => [...el.querySelectorAll('mark')].map((m) => m.textContent);

describe('MarkedText', () => {
  it('marks the given words wherever they stand as whole words, and keeps the text as it is', () => {
    const { container } = render(MarkedText, {
      props: { text: 'Red apple, red-apple pie; redder apples', words: ['Red', 'apple', 'red'] },
    });
    expect(container.textContent).toBe('Red apple, red-apple pie; redder apples');
    expect(marks(container)).toEqual(['Red', 'apple', 'red', 'apple']);
  });

  it('marks words with accents and in other scripts as written', () => {
    const { container } = render(MarkedText, { props: { text: 'Crème brûlée · 猫 と 犬', words: ['brûlée', '猫'] } });
    expect(marks(container)).toEqual(['brûlée', '猫']);
  });

  it('shows markup in the text as text, never as HTML', () => {
    const text = '<img src=x onerror="alert(1)"> <b>bold</b> & bold';
    const { container } = render(MarkedText, { props: { text, words: ['bold', 'img'] } });
    expect(container.textContent).toBe(text);
    expect(container.querySelector('img, b')).toBeNull();
    expect(marks(container)).toEqual(['img', 'bold', 'bold']);
  });

  it('marks nothing without words', () => {
    const { container } = render(MarkedText, { props: { text: 'grinning face' } });
    expect(container.textContent).toBe('grinning face');
    expect(marks(container)).toEqual([]);
  });
});
