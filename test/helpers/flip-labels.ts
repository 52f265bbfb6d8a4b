import { setItemLabel } from '../../core/store/item-edits.ts';
import { labeledItemsOfSplit } from '../../core/store/items.ts';
import type { Db } from '../../core/store/lab.ts';
import { createRng } from '../../core/util/random.ts';

export interface Flip {
  itemId: number;
  from: string;
  to: string;
}

/**
 * Gives `count` labeled items, picked at random (seeded), another of the lab's labels at random: the known mistakes
 * `nearlab suspects` should find. Each flip is an edit by hand (in the item's history, undoable).
 */
export function flipLabels(db: Db, count: number, seed: number): Flip[] {
  const items = (['train', 'val', 'test'] as const)
    .flatMap((s) => labeledItemsOfSplit(db, s))
    .sort((a, b) => a.itemId - b.itemId);
  const classes = [...new Set(items.map((it) => it.label))].sort();
  if (count > items.length || classes.length < 2) throw new Error('not enough labeled items or classes to flip');
  const rng = createRng(seed);
  const flips: Flip[] = [];
  for (let i = 0; i < count; i++) {
    const j = i + rng.int(items.length - i);
    [items[i], items[j]] = [items[j], items[i]];
    const from = items[i].label;
    const others = classes.filter((c) => c !== from);
    const to = others[rng.int(others.length)];
    setItemLabel(db, items[i].itemId, to);
    flips.push({ itemId: items[i].itemId, from, to });
  }
  return flips;
}

/** Share of the first n listed items that are flipped ones. */
export function precisionAt(listed: readonly number[], flips: readonly Flip[], n: number): number {
  const flipped = new Set(flips.map((f) => f.itemId));
  return listed.slice(0, n).filter((id) => flipped.has(id)).length / n;
}
