import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LINGER_BYTES, LINGER_MS, discardRest } from './body.ts';

/** A request body the test writes into, on a socket that records whether the server cut it. */
function fakeRequest() {
  const body = new PassThrough();
  const socket = { destroyed: false, destroy: () => void (socket.destroyed = true) };
  Object.assign(body, { socket });
  return { req: body as unknown as IncomingMessage, body, socket };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('discardRest: the rest of a refused body is read and dropped, within limits', () => {
  afterEach(() => vi.useRealTimers());

  it('reads a client still sending to the end without cutting its connection', async () => {
    const { req, body, socket } = fakeRequest();
    discardRest(req);
    for (let i = 0; i < 8; i++) body.write(Buffer.alloc(1 << 20));
    body.end();
    await tick();
    expect(body.readableEnded).toBe(true);
    expect(socket.destroyed).toBe(false);
  });

  it('cuts the connection once more than LINGER_BYTES have come', async () => {
    const { req, body, socket } = fakeRequest();
    discardRest(req);
    const chunk = Buffer.alloc(1 << 20);
    for (let sent = 0; sent < LINGER_BYTES; sent += chunk.length) body.write(chunk);
    await tick();
    expect(socket.destroyed).toBe(false);
    body.write(chunk);
    await tick();
    expect(socket.destroyed).toBe(true);
  });

  it('cuts a client that stops sending after LINGER_MS', () => {
    vi.useFakeTimers();
    const { req, socket } = fakeRequest();
    discardRest(req);
    vi.advanceTimersByTime(LINGER_MS - 1);
    expect(socket.destroyed).toBe(false);
    vi.advanceTimersByTime(1);
    expect(socket.destroyed).toBe(true);
  });
});
