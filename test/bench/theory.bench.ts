/**
 * Benchmark: heavy Theory-lab requests on the main thread ('never') against the worker pool
 * ('auto'), side by side in one run. Reports the wall time and the longest event-loop stall seen by
 * a 5 ms ticker while the request runs: the stall is what the worker removes. Timings are noisy on a
 * shared machine; read the ratios. Run: npm run bench:theory
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importFolder } from '../../core/data/import/import-folder.ts';
import { Lab } from '../../core/store/lab.ts';
import type { MethodName, Params } from '../../core/api/contract.ts';
import { dispatch } from '../../core/api/rpc.ts';
import { NearlabService } from '../../core/service/service.ts';

const SAMPLE = fileURLToPath(new URL('../../resources/sample', import.meta.url));

async function measure(
  service: NearlabService,
  method: MethodName,
  params: unknown,
): Promise<{ ms: number; stall: number }> {
  let last = performance.now();
  let stall = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    stall = Math.max(stall, now - last - 5);
    last = now;
  }, 5);
  const t0 = performance.now();
  const r = await dispatch(service.api, method, params);
  const ms = performance.now() - t0;
  clearInterval(ticker);
  stall = Math.max(stall, performance.now() - last - 5);
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  return { ms, stall: Math.max(0, stall) };
}

const dir = mkdtempSync(join(tmpdir(), 'nearlab-theory-bench-'));
const lab = Lab.open(join(dir, 'bench.lab'));
await importFolder(lab, SAMPLE);
const inline = new NearlabService(lab, { theoryWorkers: 'never' });
const pooled = new NearlabService(lab, { theoryWorkers: 'auto' });

const cases: [MethodName, unknown][] = [
  [
    'theoryCoverHart',
    {
      classes: [
        { mean: [-1, 0], cov: [1, 0, 0, 1] },
        { mean: [1, 0], cov: [1, 0, 0, 1] },
      ],
    } satisfies Params<'theoryCoverHart'>,
  ],
  ['theoryConcentration', {} satisfies Params<'theoryConcentration'>],
  ['theoryNoiseDims', {} satisfies Params<'theoryNoiseDims'>],
  ['theoryYourData', { pixelSize: 32 } satisfies Params<'theoryYourData'>],
];

// Warm both paths (JIT, worker start-up) once before measuring.
await measure(pooled, 'theoryCurseCurves', {});
for (const [method, params] of cases) {
  await measure(inline, method, params);
  await measure(pooled, method, params);
  const a = await measure(inline, method, params);
  const b = await measure(pooled, method, params);
  console.log(
    `${method}: main thread ${a.ms.toFixed(0)} ms (longest stall ${a.stall.toFixed(0)} ms); ` +
      `worker ${b.ms.toFixed(0)} ms (longest stall ${b.stall.toFixed(0)} ms); ` +
      `stall ratio ${(a.stall / Math.max(1, b.stall)).toFixed(1)}×, time ratio ${(b.ms / a.ms).toFixed(2)}`,
  );
}
await pooled.closeTheoryWorkers();
lab.close();
rmSync(dir, { recursive: true, force: true });
