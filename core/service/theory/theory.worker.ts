// Worker thread running heavy Theory-lab tasks (see pool.ts for the protocol).
import { parentPort } from 'node:worker_threads';
import { runTask } from './tasks.ts';
import type { PoolReply, PoolRequest } from './pool.ts';

const port = parentPort;
if (port === null) throw new Error('theory.worker.ts must run as a worker thread');

port.on('message', (msg: PoolRequest) => {
  let reply: PoolReply;
  try {
    reply = { id: msg.id, ok: true, result: runTask(msg.input) };
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    reply = { id: msg.id, ok: false, name: e.name, message: e.message };
  }
  port.postMessage(reply);
});
port.postMessage({ id: 0, ok: true, result: 'ready' } satisfies PoolReply);
