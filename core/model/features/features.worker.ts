import { parentPort, workerData } from 'node:worker_threads';
import { UserError } from '../../util/user-error.ts';
import { loadBackbone } from '../backbones/index.ts';
import { runViews, warmBackbone, type RunnerInit, type RunnerReply, type RunnerRequest } from './runner.ts';

// One backbone in its own thread, on one core (wasm runs one thread per instance; onnxruntime is told to), so two
// workers use two cores. (Two one-thread onnxruntime sessions ran MobileNetV2 ×1.4 10% faster here than one of two.)
const init = (workerData as { data: RunnerInit }).data;
const port = parentPort!;

try {
  const backbone = await warmBackbone(init, (name) => loadBackbone(name, { threads: 1, runtime: init.runtime }));
  // One batch at a time: requests queue in order and each reply carries its id.
  let queue = Promise.resolve();
  port.on('message', (m: RunnerRequest) => {
    queue = queue.then(async () => {
      try {
        const features = await runViews(backbone, m.rgb, init.batch, m.views);
        port.postMessage({ id: m.id, ok: true, features } satisfies RunnerReply, [features.buffer as ArrayBuffer]);
      } catch (e) {
        port.postMessage({ id: m.id, ok: false, error: (e as Error).stack ?? String(e) } satisfies RunnerReply);
      }
    });
  });
  port.postMessage({ id: 0, ok: true, ready: true } satisfies RunnerReply);
} catch (e) {
  // A load failure (missing or corrupt files) reaches the caller with its message, as a start-up failure.
  const userError = e instanceof UserError;
  port.postMessage({
    id: 0,
    ok: false,
    error: userError ? e.message : String((e as Error).stack ?? e),
    userError,
  } satisfies RunnerReply);
}
