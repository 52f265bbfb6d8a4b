import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeImage, tempDir, write } from '../helpers/corpus.ts';
import { runCli, runCliJson } from '../helpers/cli.ts';

// The suite turns the features after an import off (vitest.config.ts); these runs are about them.
const withFeatures = { env: { ...process.env, NEARLAB_FEATURES_AFTER_IMPORT: '1' } };

interface Extract {
  backbone: string;
  status: string;
  computed: number;
  coverage: { images: number; done: number; failed: number };
}

describe('nearlab features', () => {
  it('import computes the default backbone features of new images; nearlab features does only what is missing', async () => {
    const folder = tempDir();
    for (let i = 0; i < 2; i++) write(folder, `img${i}.png`, await makeImage('png', i, 32));
    const lab = join(tempDir(), 'f.lab');

    const first = await runCliJson<{ added: number; features: Extract }>(
      ['import', folder, '--lab', lab],
      withFeatures,
    );
    expect(first.added).toBe(2);
    expect(first.features).toMatchObject({ backbone: 'mobilenet_v2_mid', status: 'done', computed: 2 });

    write(folder, 'late.png', await makeImage('png', 9, 32));
    const second = await runCliJson<{ added: number; features: Extract | null }>(
      ['import', folder, '--lab', lab, '--no-features'],
      withFeatures,
    );
    expect(second).toMatchObject({ added: 1, features: null });

    const text = await runCli(['features', '--lab', lab]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      /^mobilenet_v2_mid: features of 1 images in .* s .*; 3 of 3 images have mobilenet_v2_mid features\n$/,
    );
    expect(await runCliJson<Extract>(['features', '--lab', lab])).toMatchObject({ computed: 0 });
    const info = await runCliJson<{ features: Record<string, unknown> }>(['info', '--lab', lab]);
    expect(info.features).toEqual({ mobilenet_v2_mid: { images: 3, done: 3, failed: 0 } });

    const bad = await runCli(['features', '--lab', lab, '--backbone', 'clip']);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe(
      "nearlab: no backbone named 'clip': choose one of mobilenet_v2_mid, mobilenet_v2, inception_v3",
    );
  });
});
