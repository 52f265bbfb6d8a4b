import { describe, expect, it } from 'vitest';
import { resolveMediaRequest } from './media-url.ts';

describe('resolveMediaRequest', () => {
  it('reads a kind and a positive item id', () => {
    expect(resolveMediaRequest('nearlab-media://thumb/12')).toEqual({ kind: 'thumb', itemId: 12 });
    expect(resolveMediaRequest('nearlab-media://file/7')).toEqual({ kind: 'file', itemId: 7 });
    expect(resolveMediaRequest('nearlab-media://FILE/7')).toEqual({ kind: 'file', itemId: 7 });
    expect(resolveMediaRequest('nearlab-media://thumb/12?v=3#x')).toEqual({ kind: 'thumb', itemId: 12 });
  });

  it('refuses paths and traversal, encoded or not', () => {
    for (const url of [
      'nearlab-media://file/../../etc/passwd',
      'nearlab-media://file/..%2F..%2Fetc%2Fpasswd',
      'nearlab-media://file/%2e%2e/%2e%2e/etc/passwd',
      'nearlab-media://file//etc/passwd',
      'nearlab-media://file/1/',
      'nearlab-media://file/1%00',
      'nearlab-media://file/%2Fetc%2Fpasswd',
      'nearlab-media://file/C:%5CWindows%5Cwin.ini',
      'nearlab-media://thumb/..%5C..%5C1',
    ]) {
      expect(resolveMediaRequest(url), url).toBeNull();
    }
  });

  it('lets URL dot segments name at most another item id, never a path', () => {
    expect(resolveMediaRequest('nearlab-media://file/1/../../2')).toEqual({ kind: 'file', itemId: 2 });
    expect(resolveMediaRequest('nearlab-media://file/../thumb/2')).toBeNull();
  });

  it('refuses foreign hosts, schemes, ports and credentials', () => {
    for (const url of [
      'nearlab-media://path/1',
      'nearlab-media://thumb.evil/1',
      'nearlab-media://evil.com/thumb/1',
      'nearlab-media://user@thumb/1',
      'nearlab-media://thumb:80/1',
      'nearlab-app://thumb/1',
      'file:///thumb/1',
      'https://thumb/1',
      'nearlab-media:thumb/1',
    ]) {
      expect(resolveMediaRequest(url), url).toBeNull();
    }
  });

  it('refuses ids that are not positive integers', () => {
    for (const id of ['abc', '0', '-1', '1.5', '1e3', '01', '0x10', '', ' 1', '99999999999999999', '12abc']) {
      expect(resolveMediaRequest(`nearlab-media://thumb/${id}`), id).toBeNull();
    }
  });
});
