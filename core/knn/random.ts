import { mulberry32 } from '../util/random.ts';

export { mulberry32 };

/** Standard normal samples from a uniform generator (Box–Muller). */
export function gaussian(rng: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = rng();
    const v = rng();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

/** n distinct row indices out of 0..rows-1 from a seeded generator (partial Fisher–Yates). */
export function sampleRows(rows: number, n: number, seed: number): number[] {
  const rng = mulberry32(seed);
  const pool = new Map<number, number>();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(rng() * (rows - i));
    const vi = pool.get(i) ?? i;
    const vj = pool.get(j) ?? j;
    out.push(vj);
    pool.set(j, vi);
  }
  return out;
}
