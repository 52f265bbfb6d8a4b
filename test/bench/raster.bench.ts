/**
 * Benchmark: decision raster on a 200×200 grid, bounded-heap K selection (what decisionRaster does)
 * against a full sort of all (squared) distances per cell. Timings are noisy on a shared machine;
 * the ratio is what to read. Run: npx tsx test/bench/raster.bench.ts
 */
import { sampleDataset } from '../../core/theory/datasets.ts';
import { decisionRaster, oneNnRaster } from '../../core/theory/playground.ts';
import { voronoiDiagram } from '../../core/theory/voronoi.ts';

const grid = { box: { xmin: -4, xmax: 4, ymin: -4, ymax: 4 }, width: 200, height: 200 };

function fullSortRaster(points: Float64Array, labels: Int32Array, M: number, K: number): Int32Array {
  const n = labels.length;
  const out = new Int32Array(grid.width * grid.height);
  const order = Array.from({ length: n }, (_, i) => i);
  const d = new Float64Array(n);
  const dx = 8 / grid.width;
  for (let row = 0; row < grid.height; row++) {
    for (let col = 0; col < grid.width; col++) {
      const x = -4 + (col + 0.5) * dx;
      const y = 4 - (row + 0.5) * dx;
      for (let i = 0; i < n; i++) d[i] = (x - points[2 * i]) ** 2 + (y - points[2 * i + 1]) ** 2;
      order.sort((a, b) => d[a] - d[b] || a - b);
      const counts = new Int32Array(M);
      for (let j = 0; j < K; j++) counts[labels[order[j]]]++;
      out[row * grid.width + col] = counts.indexOf(Math.max(...counts));
    }
  }
  return out;
}

function time(fn: () => unknown, reps = 3): number {
  fn();
  const t0 = performance.now();
  for (let r = 0; r < reps; r++) fn();
  return (performance.now() - t0) / reps;
}

for (const n of [100, 300, 600]) {
  const data = sampleDataset({ kind: 'blobs', numClasses: 3, spread: 1 }, { n, seed: 1 });
  for (const K of [1, 15]) {
    const heap = time(() => decisionRaster(data, { grid, K }));
    const sort = time(() => fullSortRaster(data.points, data.labels, 3, K), 1);
    console.log(
      `n=${n} K=${K}: decisionRaster ${heap.toFixed(1)} ms, full sort ${sort.toFixed(1)} ms, ratio ${(sort / heap).toFixed(1)}×`,
    );
  }
  console.log(
    `n=${n}: oneNnRaster ${time(() => oneNnRaster(data, grid)).toFixed(1)} ms, voronoiDiagram ${time(() => voronoiDiagram(data, grid.box)).toFixed(1)} ms`,
  );
}
