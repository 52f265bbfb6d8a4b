import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from './backend.ts';
import type { EngineInit, WorkerReply, WorkerRequest } from './engine.ts';
import { Replica } from './replica.ts';

// One training replica in its own thread (wasm runs one thread per instance, so two workers use two cores).
const init = (workerData as { data: EngineInit }).data;
const port = parentPort!;
const backend = await initBackend({ prefer: init.prefer });
const replica = new Replica(init.model, init.vocabSize, init.store, init.augment, init.features ?? null);

function handle(req: WorkerRequest): { result: unknown; transfer: ArrayBuffer[] } {
  switch (req.type) {
    case 'sync':
      replica.setWeights(init.weights);
      return { result: null, transfer: [] };
    case 'forward': {
      const e = replica.forward(req.batch);
      return { result: e, transfer: [e.img.buffer as ArrayBuffer, e.txt.buffer as ArrayBuffer] };
    }
    case 'backward':
      replica.backward(req.dImg, req.dTxt, init.grads);
      return { result: null, transfer: [] };
    case 'embedRows': {
      const out = replica.embedRows(req.rows);
      return { result: out, transfer: [out.buffer as ArrayBuffer] };
    }
    case 'embedTexts': {
      const out = replica.embedTexts(req.texts);
      return { result: out, transfer: [out.buffer as ArrayBuffer] };
    }
  }
}

port.on('message', (m: WorkerRequest & { id: number }) => {
  let reply: WorkerReply;
  let transfer: ArrayBuffer[] = [];
  try {
    const r = handle(m);
    reply = { id: m.id, ok: true, result: r.result };
    transfer = r.transfer;
  } catch (e) {
    reply = { id: m.id, ok: false, error: (e as Error).stack ?? String(e) };
  }
  port.postMessage(reply, transfer);
});

port.postMessage({ id: 0, ok: true, ready: backend } satisfies WorkerReply);
