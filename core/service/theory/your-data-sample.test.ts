import { describe, expect, it } from 'vitest';
import { dispatch } from '../../api/rpc.ts';
import type { Results } from '../../api/contract.ts';
import { NearlabService } from '../service.ts';
import { createEmbeddedLab } from '../testing/embedded-lab.ts';

describe('"Your data" with a trained model', () => {
  it('samples the labeled images at random, not the first ones by id', async () => {
    const { lab } = createEmbeddedLab();
    try {
      // The first half of the items by id are squares, the rest discs: the first N would all be squares.
      const ids = lab.db.prepare('SELECT id FROM items ORDER BY id').pluck().all() as number[];
      const half = ids[Math.floor(ids.length / 2)];
      lab.db.prepare(`UPDATE labels SET name = CASE WHEN item_id < ? THEN 'square' ELSE 'disc' END`).run(half);
      const service = new NearlabService(lab, { theoryWorkers: 'never' });
      const r = await dispatch(service.api, 'theoryYourData', { limit: 16, pixelSize: 8, kMax: 5 });
      if (!r.ok) throw new Error(r.error.message);
      const result = (r as { result: Results['theoryYourData'] }).result;
      expect(result.spaces[0].kind).toBe('embedding');
      expect([...result.classNames].sort()).toEqual(['disc', 'square']);
      const counts = result.classNames.map((_, c) => result.spaces[0].data.labels.filter((l) => l === c).length);
      expect(Math.min(...counts)).toBeGreaterThanOrEqual(4);
    } finally {
      lab.close();
    }
  });
});
