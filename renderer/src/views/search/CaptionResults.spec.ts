import { render, screen, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeApp, labCore, stopApps } from '../../testing/fake-core.ts';
import CaptionResults from './CaptionResults.svelte';

afterEach(stopApps);

describe('CaptionResults', () => {
  it('ranks the captions found, each with its thumbnail, label and similarity', () => {
    const { core } = labCore(3);
    render(CaptionResults, {
      context: fakeApp(core).context,
      props: {
        hits: [
          { itemId: 2, path: 'images/item-2.png', score: 0.91, label: 'Flags', caption: 'a red flag' },
          { itemId: 3, path: 'images/item-3.png', score: 0.5, label: null },
        ],
      },
    });
    const rows = within(screen.getByRole('list', { name: 'Caption results' })).getAllByRole('listitem');
    expect(rows.map((li) => li.querySelector('.rank')?.textContent)).toEqual(['#1', '#2']);
    expect(rows.map((li) => li.querySelector('.text')?.textContent)).toEqual(['a red flag', 'images/item-3.png']);
    expect(within(rows[0]).getByText('Flags')).toBeTruthy();
    expect(rows[1].querySelector('.label')).toBeNull();
    expect(within(rows[0]).getByLabelText('similarity 0.910')).toBeTruthy();
    expect(rows[0].querySelector('img')?.getAttribute('src')).toBe('/media/thumb/2');
    expect(rows[0].querySelector('.keyword')).toBeNull();
  });

  it('marks the words of a keyword match and badges it', () => {
    const { core } = labCore(3);
    render(CaptionResults, {
      context: fakeApp(core).context,
      props: {
        hits: [
          {
            itemId: 2,
            path: 'images/item-2.png',
            score: 0.1,
            label: null,
            caption: 'Flag of Côte d’Ivoire',
            keywordRank: 2,
            matched: ['Côte'],
          },
        ],
      },
    });
    const [row] = within(screen.getByRole('list', { name: 'Caption results' })).getAllByRole('listitem');
    expect(row.querySelector('.text')?.textContent).toBe('Flag of Côte d’Ivoire');
    expect([...row.querySelectorAll('mark')].map((m) => m.textContent)).toEqual(['Côte']);
    expect(row.querySelector('.keyword')?.getAttribute('title')).toBe(
      'Keyword match #2: the caption holds words of the query',
    );
  });
});
