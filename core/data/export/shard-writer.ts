import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { pack, type Pack } from 'tar-stream';
import { ExportError } from './folder.ts';

/**
 * One tar shard, written member by member (POSIX ustar by tar-stream, pax headers for long names) to PATH.partial
 * and renamed to PATH when closed, so an interrupted export never leaves a truncated shard under a shard's name.
 */
export class ShardWriter {
  private readonly tar: Pack = pack();
  private readonly written: Promise<void>;
  private readonly partial: string;
  private failure: ExportError | null = null;

  constructor(
    readonly path: string,
    private readonly mtime: Date,
  ) {
    this.partial = `${path}.partial`;
    this.written = pipeline(this.tar, createWriteStream(this.partial)).catch((e: unknown) => {
      this.failure ??= new ExportError(`cannot write ${path}: ${(e as Error).message}`);
    });
  }

  /** Adds one regular file; resolves when tar-stream has taken it (its back-pressure). */
  async add(name: string, data: Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    await new Promise<void>((resolve, reject) => {
      this.tar.entry({ name, size: data.length, mtime: this.mtime, mode: 0o644 }, data, (e) =>
        e ? reject(new ExportError(`cannot write ${this.path}: ${e.message}`)) : resolve(),
      );
    });
  }

  /** Ends the archive (two zero blocks), waits for the file and gives it its name. */
  async close(): Promise<void> {
    this.tar.finalize();
    await this.written;
    if (this.failure) {
      rmSync(this.partial, { force: true });
      throw this.failure;
    }
    renameSync(this.partial, this.path);
  }

  /** Stops writing and removes the partial file. */
  async abort(): Promise<void> {
    this.tar.destroy();
    await this.written;
    rmSync(this.partial, { force: true });
  }
}
