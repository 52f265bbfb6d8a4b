import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MediaKind } from '../../core/api/contract.ts';
import type { MediaResult } from '../../core/process/protocol.ts';
import { tempDir } from '../../test/helpers/corpus.ts';
import { createMediaHandler } from './media-protocol.ts';

const dir = tempDir('nearlab-media-');
const photo = join(dir, 'photo.png');
writeFileSync(photo, Buffer.from('89504e470d0a1a0a', 'hex'));

function setup() {
  const asked: { kind: MediaKind; itemId: number }[] = [];
  const handler = createMediaHandler(async (kind, itemId): Promise<MediaResult> => {
    asked.push({ kind, itemId });
    if (itemId === 1)
      return kind === 'thumb'
        ? { kind: 'thumb', mime: 'image/webp', data: new Uint8Array([1, 2, 3]) }
        : { kind: 'file', path: photo };
    if (itemId === 2) return { kind: 'file', path: join(dir, 'gone.png') };
    if (itemId === 3) return { kind: 'file', path: photo }; // the wrong kind for a thumb request
    return null;
  }, 'nearlab-app://app');
  return { handler, asked };
}

describe('the nearlab-media: protocol handler', () => {
  it('serves thumbnail bytes with their type and locked-down headers', async () => {
    const { handler } = setup();
    const r = await handler(new Request('nearlab-media://thumb/1'));
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('image/webp');
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('content-security-policy')).toContain('sandbox');
    expect([...new Uint8Array(await r.arrayBuffer())]).toEqual([1, 2, 3]);
  });

  it('streams the original file core confined', async () => {
    const { handler } = setup();
    const r = await handler(new Request('nearlab-media://file/1'));
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('image/png');
    expect(r.headers.get('content-length')).toBe('8');
    expect(Buffer.from(await r.arrayBuffer()).toString('hex')).toBe('89504e470d0a1a0a');
  });

  it('asks core only for item ids and never for a URL it cannot read', async () => {
    const { handler, asked } = setup();
    for (const url of [
      'nearlab-media://file/..%2F..%2Fetc%2Fpasswd',
      'nearlab-media://file/%2Fetc%2Fpasswd',
      'nearlab-media://other/1',
      'nearlab-media://thumb/abc',
    ]) {
      expect((await handler(new Request(url))).status, url).toBe(404);
    }
    expect(asked).toEqual([]);
  });

  it('answers 404 for unknown items, vanished files and mismatched answers', async () => {
    const { handler } = setup();
    expect((await handler(new Request('nearlab-media://thumb/9'))).status).toBe(404);
    expect((await handler(new Request('nearlab-media://file/2'))).status).toBe(404);
    expect((await handler(new Request('nearlab-media://thumb/3'))).status).toBe(404);
  });

  it('refuses methods other than GET and HEAD', async () => {
    const { handler, asked } = setup();
    expect((await handler(new Request('nearlab-media://thumb/1', { method: 'POST', body: 'x' }))).status).toBe(405);
    expect(asked).toEqual([]);
  });
});
