import { execFileSync } from 'node:child_process';
import { mkdtempSync, promises as fs, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { ScannedFile } from '../scan.ts';
import { decodeFiles, decodeWindow, type DecodedFile } from './decode-files.ts';

const tinyPng = (seed: number) =>
  sharp(Buffer.alloc(8 * 8 * 3, seed), { raw: { width: 8, height: 8, channels: 3 } })
    .png()
    .toBuffer();

function scanned(absPath: string, size: number): ScannedFile {
  return {
    relPath: absPath.slice(absPath.lastIndexOf('/') + 1),
    relPathRaw: null,
    absPath: Buffer.from(absPath),
    size,
    mtimeMs: 0,
  };
}

describe('decodeFiles', () => {
  it('reads no further ahead than its window while the oldest file is still being read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nearlab-window-'));
    // The first file is a pipe: reading it waits until the test writes to it, as a slow disk would.
    const pipe = join(dir, 'slow.png');
    execFileSync('mkfifo', [pipe]);
    const first = await tinyPng(0);
    const files: ScannedFile[] = [scanned(pipe, first.length)];
    for (let i = 1; i < 200; i++) {
      const bytes = await tinyPng(i);
      const path = join(dir, `f${String(i).padStart(3, '0')}.png`);
      writeFileSync(path, bytes);
      files.push(scanned(path, bytes.length));
    }
    const batchSize = 8;
    const concurrency = 4;
    let hashed = 0;
    let handedOn = 0;
    let maxAhead = 0;
    const received: DecodedFile[] = [];
    const running = decodeFiles(files, {
      concurrency,
      batchSize,
      isKnown: () => {
        hashed++;
        maxAhead = Math.max(maxAhead, hashed - handedOn);
        return false;
      },
      onBatch: (batch) => {
        handedOn += batch.length;
        received.push(...batch);
      },
      onProgress: () => {},
    });
    // Wait until reading ahead has stopped (or everything but the pipe is done), then unblock the pipe.
    let last = -1;
    while (hashed !== last && hashed < files.length - 1) {
      last = hashed;
      await new Promise((r) => setTimeout(r, 300));
    }
    await fs.writeFile(pipe, first);
    await running;

    expect(received.map((r) => r.file.absPath.toString())).toEqual(files.map((f) => f.absPath.toString()));
    expect(received.every((r) => r.decoded)).toBe(true);
    expect(maxAhead).toBeLessThanOrEqual(decodeWindow(batchSize, concurrency));
  });
});
