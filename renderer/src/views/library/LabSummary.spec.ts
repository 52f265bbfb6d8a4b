import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { makeInfo, makeItems } from '../../testing/fake-core.ts';
import LabSummary from './LabSummary.svelte';

const lines = () => screen.getAllByRole('listitem').map((li) => (li.textContent ?? '').replace(/\s+/g, ' ').trim());

describe('LabSummary', () => {
  it('counts items, images, captions, labels and the splits', () => {
    render(LabSummary, { props: { info: { ...makeInfo(makeItems(1200)), images: 1100 } } });
    expect(screen.getByTestId('count-items').textContent).toBe('1,200');
    expect(screen.getByTestId('count-captions').textContent).toBe('1,200');
    expect(screen.getByTestId('count-labels').textContent).toBe('3');
    expect(lines()).toEqual([
      '1,200 items',
      '1,100 distinct images',
      '1,200 captions',
      '3 labels',
      'train 600 · val 300 · test 300',
    ]);
  });

  it('adds the import problems and missing files only when there are some', () => {
    render(LabSummary, { props: { info: { ...makeInfo(makeItems(4)), errors: 2, warnings: 0, missing: 1 } } });
    expect(lines().slice(5)).toEqual(['2 errors, 0 warnings', '1 missing file']);
  });

  it('counts one of a kind in the singular', () => {
    render(LabSummary, { props: { info: { ...makeInfo(makeItems(1)), errors: 1, warnings: 1 } } });
    expect(lines()).toEqual([
      '1 item',
      '1 distinct image',
      '1 caption',
      '1 label',
      'train 1 · val 0 · test 0',
      '1 error, 1 warning',
    ]);
  });
});
