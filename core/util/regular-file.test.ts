import { mkdirSync, mkdtempSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CAN_MAKE_FIFO, IS_ROOT, makeFifo } from './testing/fifo.ts';
import { FileTooLargeError, NotRegularFileError, openRegularFile, readRegularFile } from './regular-file.ts';
import { UserError } from './user-error.ts';

const dir = mkdtempSync(join(tmpdir(), 'nearlab-regular-'));

describe('readRegularFile and openRegularFile', () => {
  it('read a regular file and tell its size', async () => {
    const path = join(dir, 'plain.bin');
    writeFileSync(path, 'hello');
    expect((await readRegularFile(path)).toString()).toBe('hello');
    const opened = await openRegularFile(path);
    try {
      expect(opened.size).toBe(5);
    } finally {
      await opened.handle.close();
    }
  });

  it.skipIf(!CAN_MAKE_FIFO)(
    'refuse a named pipe at once, naming the path, instead of waiting for a writer',
    async () => {
      const path = join(dir, 'pipe.png');
      makeFifo(path);
      const t0 = performance.now();
      const refused = readRegularFile(path);
      await expect(refused).rejects.toThrow(NotRegularFileError);
      await expect(refused).rejects.toThrow(`${path} is not a regular file (it is a named pipe)`);
      await expect(openRegularFile(path)).rejects.toThrow(/is not a regular file/);
      expect(performance.now() - t0).toBeLessThan(1000);
    },
  );

  it('refuse a folder and a device as user errors naming the path', async () => {
    const folder = join(dir, 'folder.png');
    mkdirSync(folder);
    await expect(readRegularFile(folder)).rejects.toThrow(`${folder} is not a regular file (it is a folder)`);
    if (process.platform !== 'win32') {
      await expect(readRegularFile('/dev/zero')).rejects.toThrow('/dev/zero is not a regular file (it is a device)');
    }
    await expect(readRegularFile(folder)).rejects.toBeInstanceOf(UserError);
  });

  it('refuse a file over maxBytes before reading it', async () => {
    const path = join(dir, 'big.bin');
    writeFileSync(path, Buffer.alloc(2000));
    const refused = readRegularFile(path, { maxBytes: 1000 });
    await expect(refused).rejects.toBeInstanceOf(FileTooLargeError);
    await expect(refused).rejects.toMatchObject({ path, size: 2000, maxBytes: 1000 });
    expect((await readRegularFile(path, { maxBytes: 2000 })).length).toBe(2000);
  });

  it('pass on the system error for a missing file', async () => {
    await expect(readRegularFile(join(dir, 'nothing.png'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it.skipIf(IS_ROOT)('pass on the system error for an unreadable file', async () => {
    const path = join(dir, 'locked.png');
    writeFileSync(path, 'x');
    chmodSync(path, 0o000);
    await expect(readRegularFile(path)).rejects.toMatchObject({ code: 'EACCES' });
  });
});
