import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { OpenedFile } from '../util/regular-file.ts';

/**
 * Streams an opened file as a 200 answer of exactly the size it had when opened, then closes it. A read error
 * halfway (the headers are gone by then) or a client that leaves ends the connection, never the server.
 */
export async function sendFile(res: ServerResponse, file: OpenedFile, headers: Record<string, string>): Promise<void> {
  res.writeHead(200, { ...headers, 'content-length': String(file.size) });
  if (file.size === 0) {
    await file.handle.close();
    res.end();
    return;
  }
  const stream = file.handle.createReadStream({ start: 0, end: file.size - 1, autoClose: true });
  await pipeline(stream, res).catch(() => {
    stream.destroy();
    res.destroy();
  });
}
