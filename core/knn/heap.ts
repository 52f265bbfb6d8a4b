/**
 * Many bounded max-heaps packed in flat typed arrays: heap q lives at [q*cap, (q+1)*cap). The root is the
 * worst kept entry; "worse" means a larger key, or an equal key with a larger row index, so the kept set is
 * deterministic under ties.
 */
export class HeapSet {
  readonly keys: Float64Array;
  readonly idx: Int32Array;
  readonly size: Int32Array;
  constructor(
    readonly count: number,
    readonly cap: number,
    /** Adopt existing storage (e.g. arrays sent back by a worker) instead of allocating. */
    storage?: { keys: Float64Array; idx: Int32Array; size: Int32Array },
  ) {
    this.keys = storage?.keys ?? new Float64Array(count * cap);
    this.idx = storage?.idx ?? new Int32Array(count * cap);
    this.size = storage?.size ?? new Int32Array(count);
  }

  /** Current admission threshold of heap q: +Infinity until full, then the worst kept key. */
  threshold(q: number): number {
    return this.size[q] < this.cap ? Infinity : this.keys[q * this.cap];
  }

  /** Offers (key, row) to heap q; returns the new threshold. */
  push(q: number, key: number, row: number): number {
    const { keys, idx, cap } = this;
    const base = q * cap;
    let n = this.size[q];
    if (n < cap) {
      let c = n;
      while (c > 0) {
        const p = (c - 1) >> 1;
        const pk = keys[base + p];
        if (pk > key || (pk === key && idx[base + p] > row)) break;
        keys[base + c] = pk;
        idx[base + c] = idx[base + p];
        c = p;
      }
      keys[base + c] = key;
      idx[base + c] = row;
      this.size[q] = ++n;
      return n < cap ? Infinity : keys[base];
    }
    const rk = keys[base];
    if (key > rk || (key === rk && row > idx[base])) return rk;
    siftDown(keys, idx, base, n, key, row);
    return keys[base];
  }

  /** Writes heap q's entries best-first into outIdx/outKey at offset and empties the heap; returns how many. */
  drainSorted(q: number, outIdx: Int32Array, outKey: Float64Array, offset: number): number {
    const { keys, idx } = this;
    const base = q * this.cap;
    const n = this.size[q];
    // Heap sort: the root is the worst kept entry, so it goes last.
    for (let end = n - 1; end >= 0; end--) {
      outKey[offset + end] = keys[base];
      outIdx[offset + end] = idx[base];
      if (end > 0) siftDown(keys, idx, base, end, keys[base + end], idx[base + end]);
    }
    this.size[q] = 0;
    return n;
  }

  /** Empties heap q. */
  clear(q: number): void {
    this.size[q] = 0;
  }
}

function siftDown(keys: Float64Array, idx: Int32Array, base: number, n: number, key: number, row: number): void {
  let c = 0;
  for (;;) {
    const l = 2 * c + 1;
    if (l >= n) break;
    let m = l;
    const r = l + 1;
    if (r < n) {
      const lk = keys[base + l];
      const rk = keys[base + r];
      if (rk > lk || (rk === lk && idx[base + r] > idx[base + l])) m = r;
    }
    const mk = keys[base + m];
    if (mk < key || (mk === key && idx[base + m] < row)) break;
    keys[base + c] = mk;
    idx[base + c] = idx[base + m];
    c = m;
  }
  keys[base + c] = key;
  idx[base + c] = row;
}

/** Sorts parallel arrays (key ascending, then index ascending) in place over [from, to). */
export function sortPairs(keys: Float64Array, idx: Int32Array, from: number, to: number): void {
  const n = to - from;
  if (n < 2) return;
  if (n <= 48) {
    for (let i = from + 1; i < to; i++) {
      const k = keys[i];
      const r = idx[i];
      let j = i - 1;
      while (j >= from && (keys[j] > k || (keys[j] === k && idx[j] > r))) {
        keys[j + 1] = keys[j];
        idx[j + 1] = idx[j];
        j--;
      }
      keys[j + 1] = k;
      idx[j + 1] = r;
    }
    return;
  }
  const order = Array.from({ length: n }, (_, i) => from + i);
  order.sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : idx[a] - idx[b]));
  const k = order.map((o) => keys[o]);
  const r = order.map((o) => idx[o]);
  for (let i = 0; i < n; i++) {
    keys[from + i] = k[i];
    idx[from + i] = r[i];
  }
}
