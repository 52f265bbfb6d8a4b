// Worker thread owning one gallery shard of an ExactIndex (see exact.ts for the protocol).
import { parentPort, workerData } from 'node:worker_threads';
import { HeapSet } from './heap.ts';
import { keyErrorScale, scanDotsJs, scanL1, type Shard } from './kernel.ts';
import { createTfKernel, type TfKernel } from './tf-kernel.ts';
import type { WorkerInit, WorkerReply, WorkerRequest } from './exact-protocol.ts';

const init = (workerData as { data: WorkerInit }).data;
const port = parentPort;
if (port === null) throw new Error('exact.worker.ts must run as a worker thread');

const shard: Shard = {
  gallery: new Float32Array(init.gallery),
  dim: init.dim,
  start: init.start,
  end: init.end,
  norms: new Float64Array(init.norms),
  mode: init.mode === 'l1' ? 'l2' : init.mode,
  mask: null,
};

let tfKernel: TfKernel | null = null;
let kernelNote = 'js';
if (init.mode !== 'l1' && init.kernel !== 'js') {
  try {
    tfKernel = await createTfKernel(shard);
    kernelNote = 'tfjs-wasm';
  } catch (err) {
    if (init.kernel === 'tfjs') throw err;
    kernelNote = `js (TF.js wasm unavailable: ${err instanceof Error ? err.message : String(err)})`;
  }
}

port.on('message', (msg: WorkerRequest) => {
  if (msg.type === 'close') {
    tfKernel?.dispose();
    port.close();
    return;
  }
  try {
    const s: Shard = { ...shard, mask: msg.mask };
    const heaps = new HeapSet(msg.nq, Math.min(msg.cap, s.end - s.start));
    let errScale = 0;
    if (init.mode === 'l1') scanL1(s, msg.queries, msg.nq, heaps);
    else if (tfKernel !== null) {
      tfKernel.scan(msg.queries, msg.nq, msg.qNorms, msg.mask, heaps);
      errScale = keyErrorScale('f32', init.dim);
    } else {
      scanDotsJs(s, msg.queries, msg.nq, msg.qNorms, heaps);
      errScale = keyErrorScale('js', init.dim);
    }
    const reply: WorkerReply = {
      type: 'result',
      id: msg.id,
      cap: heaps.cap,
      keys: heaps.keys,
      idx: heaps.idx,
      size: heaps.size,
      errScale,
    };
    port.postMessage(reply, [
      heaps.keys.buffer as ArrayBuffer,
      heaps.idx.buffer as ArrayBuffer,
      heaps.size.buffer as ArrayBuffer,
    ]);
  } catch (err) {
    const reply: WorkerReply = { type: 'error', id: msg.id, message: err instanceof Error ? err.message : String(err) };
    port.postMessage(reply);
  }
});

port.postMessage({ type: 'ready', kernel: kernelNote } satisfies WorkerReply);
