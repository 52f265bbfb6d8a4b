import { describe, expect, it } from 'vitest';
import { captionFromFilename, labelFromFolder, normaliseRelPath, parseSidecar } from './annotations.ts';
import { sidecarOf } from './formats.ts';

describe('annotation helpers', () => {
  it('turns a file name into caption words', () => {
    expect(captionFromFilename('photos/red_apple-2.jpg')).toBe('red apple 2');
    expect(captionFromFilename('GoldenRetriever.On.Grass.png')).toBe('golden retriever on grass');
  });

  it('labels by the top-level sub-folder', () => {
    expect(labelFromFolder('cats/indoor/a.jpg')).toBe('cats');
    expect(labelFromFolder('a.jpg')).toBeNull();
  });

  it('normalises table paths', () => {
    expect(normaliseRelPath('./a\\b//c.png')).toBe('a/b/c.png');
  });

  it('finds the sidecar of an image', () => {
    expect(sidecarOf('dir/a.b.jpg')).toBe('dir/a.b.txt');
  });

  it('reads one caption per non-blank sidecar line, without duplicates', () => {
    const r = parseSidecar(Buffer.from('a cat\n\n a cat \non a mat\n'), 'x.txt');
    expect(r.captions).toEqual(['a cat', 'on a mat']);
    expect(r.problems).toEqual([]);
  });
});
