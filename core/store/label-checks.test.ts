import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setItemLabel, undoLastEdit } from './item-edits.ts';
import { removeItems } from './item-removal.ts';
import { confirmedItems, setLabelChecks } from './label-checks.ts';
import type { Lab } from './lab.ts';
import { createFixtureLab } from './testing/fixture-lab.ts';

let lab: Lab;
beforeEach(() => {
  lab = createFixtureLab({ perPair: 1 });
});
afterEach(() => lab.close());

const rows = () => lab.db.prepare('SELECT item_id, label, checked_at FROM label_checks ORDER BY item_id').all();

describe('label checks', () => {
  it('stores the confirmed label with the time; confirming again changes nothing', () => {
    expect(setLabelChecks(lab.db, [1, 2, 2], true, '2026-01-01T00:00:00.000Z')).toBe(2);
    expect(rows()).toEqual([
      { item_id: 1, label: 'square', checked_at: '2026-01-01T00:00:00.000Z' },
      { item_id: 2, label: 'disc', checked_at: '2026-01-01T00:00:00.000Z' },
    ]);
    expect(setLabelChecks(lab.db, [1, 3], true, '2026-02-01T00:00:00.000Z')).toBe(1);
    expect(rows()[0]).toMatchObject({ item_id: 1, checked_at: '2026-01-01T00:00:00.000Z' });
    expect([...confirmedItems(lab.db)].sort()).toEqual([1, 2, 3]);
  });

  it('counts a check only while the item keeps the label it confirmed', () => {
    setLabelChecks(lab.db, [1, 2], true);
    setItemLabel(lab.db, 1, 'bar');
    expect([...confirmedItems(lab.db)]).toEqual([2]);
    // Back to the confirmed label (undo), the check counts again.
    undoLastEdit(lab.db, 1);
    expect([...confirmedItems(lab.db)].sort()).toEqual([1, 2]);
    // Confirming the new label replaces the old check.
    setItemLabel(lab.db, 1, 'bar');
    expect(setLabelChecks(lab.db, [1], true)).toBe(1);
    expect(rows()[0]).toMatchObject({ item_id: 1, label: 'bar' });
    expect([...confirmedItems(lab.db)].sort()).toEqual([1, 2]);
    // A removed item is not confirmed (nor a live item of the lab).
    removeItems(lab.db, [2]);
    expect([...confirmedItems(lab.db)]).toEqual([1]);
  });

  it('takes confirmations back, counting only those that counted', () => {
    setLabelChecks(lab.db, [1, 2], true);
    setItemLabel(lab.db, 2, 'bar');
    expect(setLabelChecks(lab.db, [1, 2, 3], false)).toBe(1);
    expect(rows()).toEqual([]);
  });

  it('refuses the whole request, naming the items, for unknown, removed or unlabeled items', () => {
    removeItems(lab.db, [4]);
    setItemLabel(lab.db, 5, null);
    expect(() => setLabelChecks(lab.db, [1, 99, 4], true)).toThrow(/^no items 99, 4 in this lab$/);
    expect(() => setLabelChecks(lab.db, [1, 5], true)).toThrow(/^item 5 has no category label to confirm$/);
    expect(() => setLabelChecks(lab.db, [99], false)).toThrow(/^no item 99 in this lab$/);
    expect(rows()).toEqual([]);
  });
});
