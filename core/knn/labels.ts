import { KnnArgumentError } from './errors.ts';

/** Compares strings by Unicode code point, the order numpy/sklearn use for their sorted classes_. */
export function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done === true) return y.done === true ? 0 : -1;
    if (y.done === true) return 1;
    const cx = x.value.codePointAt(0) ?? 0;
    const cy = y.value.codePointAt(0) ?? 0;
    if (cx !== cy) return cx - cy;
  }
}

/** Sorted distinct labels and each item's class index into them. */
export interface EncodedLabels {
  classes: string[];
  codes: Int32Array;
  counts: Int32Array;
}

export function encodeLabels(labels: readonly string[]): EncodedLabels {
  for (let i = 0; i < labels.length; i++) {
    if (typeof labels[i] !== 'string') throw new KnnArgumentError(`label ${i} is not a string`);
  }
  const classes = [...new Set(labels)].sort(compareCodePoints);
  const index = new Map(classes.map((c, i) => [c, i]));
  const codes = new Int32Array(labels.length);
  const counts = new Int32Array(classes.length);
  labels.forEach((l, i) => {
    const c = index.get(l) as number;
    codes[i] = c;
    counts[c]++;
  });
  return { classes, codes, counts };
}
