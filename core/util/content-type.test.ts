import { describe, expect, it } from 'vitest';
import { contentType } from './content-type.ts';

describe('contentType', () => {
  it('types files by extension, case-insensitively, and unknown ones as bytes', () => {
    expect(contentType('/x/index.html')).toMatch(/^text\/html/);
    expect(contentType('/x/a.JS')).toMatch(/^text\/javascript/);
    expect(contentType('/x/photo.JPEG')).toBe('image/jpeg');
    expect(contentType('/x/scan.tif')).toBe('image/tiff');
    expect(contentType('/x/model.wasm')).toBe('application/wasm');
    expect(contentType('/x/notes')).toBe('application/octet-stream');
  });
});
