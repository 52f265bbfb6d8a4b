/**
 * The OpenCLIP round trip without a cluster: a lab exports WebDataset shards, scripts/cluster-standin.py reads them
 * with Python's tarfile as webdataset does, trains the tiny CLIP-shaped model a few steps and writes the ONNX
 * folder, which `nearlab model add` takes back and `nearlab search` uses.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importFolder } from '../../core/data/import/import-folder.ts';
import { TINY_CLIP, tinyClipExpected } from '../../core/model/onnx/testing/tiny-clip.ts';
import { Lab } from '../../core/store/lab.ts';
import { runCliJson } from '../helpers/cli.ts';
import { SAMPLE_DIR, tempDir } from '../helpers/corpus.ts';

const PYTHON = '/usr/bin/python3';
const STANDIN = fileURLToPath(new URL('../../scripts/cluster-standin.py', import.meta.url));
const OPENCLIP_TO_ONNX = fileURLToPath(new URL('../../scripts/openclip-to-onnx.py', import.meta.url));
/** A stand-in open_clip package over the tiny model (open_clip itself is not installed here). */
const FAKE_OPEN_CLIP = fileURLToPath(new URL('../helpers/fake-open-clip', import.meta.url));
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch, PIL'], { stdio: 'ignore' }).status === 0;
const SKIP = `skipped: ${PYTHON} cannot import torch and PIL (apt-get install python3-torch python3-pil, as .ci/run does)`;
const IMAGES = 48;

/** The first IMAGES captioned images of resources/sample, with their captions and labels. */
function sampleSubset(): string {
  const dir = tempDir('nearlab-openclip-photos-');
  mkdirSync(join(dir, 'images'));
  const rows = (file: string) => readFileSync(join(SAMPLE_DIR, file), 'utf8').trimEnd().split('\n');
  const captions = rows('captions.tsv').slice(1, IMAGES + 1);
  const files = new Set(captions.map((r) => r.split('\t')[0]));
  for (const f of files) copyFileSync(join(SAMPLE_DIR, f), join(dir, f));
  writeFileSync(join(dir, 'captions.tsv'), `file\tcaption\n${captions.join('\n')}\n`);
  const labels = rows('labels.tsv').filter((r) => files.has(r.split('\t')[0]));
  writeFileSync(join(dir, 'labels.tsv'), `file\tlabel\n${labels.join('\n')}\n`);
  return dir;
}

/** Member names of a tar file, in order, as Python's tarfile lists them. */
function tarNames(file: string): string[] {
  const script = 'import sys, tarfile; print("\\n".join(m.name for m in tarfile.open(sys.argv[1])))';
  return execFileSync(PYTHON, ['-c', script, file], { encoding: 'utf8' }).trim().split('\n');
}

describe('the OpenCLIP round trip', () => {
  it.skipIf(!hasTorch)(
    hasTorch ? 'exports shards, trains on them outside Nearlab, adds the ONNX model back and searches with it' : SKIP,
    async () => {
      const work = tempDir('nearlab-openclip-');
      const labPath = join(work, 'sample.nearlab');
      const lab = Lab.open(labPath);
      const imported = await importFolder(lab, sampleSubset());
      lab.close();
      expect(imported.added).toBe(IMAGES);

      const out = join(work, 'wds');
      const exported = await runCliJson<{ samples: number; shards: string[]; pattern: string }>([
        'export',
        '--format',
        'webdataset',
        '--lab',
        labPath,
        '--out',
        out,
        '--shard-size',
        '20',
      ]);
      expect(exported).toMatchObject({
        samples: IMAGES,
        shards: ['shard-000000.tar', 'shard-000001.tar', 'shard-000002.tar'],
      });
      const names = tarNames(join(out, 'shard-000000.tar'));
      expect(names).toHaveLength(60);
      expect(names.slice(0, 3).map((n) => n.slice(n.indexOf('.')))).toEqual(['.jpg', '.txt', '.json']);
      expect(readFileSync(join(out, 'TRAIN.md'), 'utf8')).toContain(`--train-num-samples ${IMAGES}`);

      const model = join(work, 'trained-clip');
      const trained = spawnSync(PYTHON, [STANDIN, '--train-data', exported.pattern, '--out', model, '--steps', '30'], {
        encoding: 'utf8',
      });
      expect(trained.stderr).not.toMatch(/Traceback/);
      expect(trained.status).toBe(0);
      const report = JSON.parse(trained.stdout.trim().split('\n').at(-1)!) as {
        samples: number;
        shards: number;
        lossBefore: number;
        lossAfter: number;
      };
      expect(report).toMatchObject({ samples: IMAGES, shards: 3 });
      expect(report.lossAfter).toBeLessThan(report.lossBefore);

      const added = await runCliJson<{
        model: { modelId: number; dim: number };
        embedded: { images: number; captions: number; status: string };
      }>(['model', 'add', model, '--name', 'openclip-standin', '--lab', labPath]);
      expect(added.model.dim).toBe(16);
      expect(added.embedded).toMatchObject({ status: 'done', images: IMAGES, captions: IMAGES });

      const found = await runCliJson<{ results: { path: string; score: number }[] }>([
        'search',
        '--lab',
        labPath,
        '--model',
        String(added.model.modelId),
        '--text',
        'grinning face',
        '-k',
        '5',
        '--embedding-only',
      ]);
      expect(found.results).toHaveLength(5);
      const scores = found.results.map((r) => r.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      expect(found.results.every((r) => r.path.startsWith('images/'))).toBe(true);
    },
    120_000,
  );

  it.skipIf(!hasTorch)(
    hasTorch ? 'openclip-to-onnx.py writes a folder that Nearlab adds and whose search scores match torch' : SKIP,
    async () => {
      const work = tempDir('nearlab-openclip-to-onnx-');
      const photos = join(work, 'photos');
      mkdirSync(photos);
      const files = tinyClipExpected().images.map((e) => e.file);
      for (const f of files) copyFileSync(join(TINY_CLIP, f), join(photos, f.split('/')[1]));
      const labPath = join(work, 'lab.nearlab');
      const lab = Lab.open(labPath);
      await importFolder(lab, photos);
      lab.close();

      const env = { ...process.env, PYTHONPATH: FAKE_OPEN_CLIP };
      const model = join(work, 'from-open-clip');
      const exported = spawnSync(PYTHON, [OPENCLIP_TO_ONNX, '--model', 'tiny', '--pretrained', 'x', '--out', model], {
        encoding: 'utf8',
        env,
      });
      expect(exported.stderr).not.toMatch(/Traceback/);
      expect(exported.status).toBe(0);

      // torch's cosine similarities of the query to the two images, with the fake open_clip model itself.
      const query = 'a photo of a red disc';
      const script = `
import json, sys, torch, numpy as np
from PIL import Image
import open_clip, tiny_clip
m, _, _ = open_clip.create_model_and_transforms("tiny")
ids = open_clip.get_tokenizer("tiny")([sys.argv[1]])
with torch.no_grad():
    t = torch.nn.functional.normalize(m.encode_text(ids), dim=-1)
    out = {}
    for f in sys.argv[2:]:
        x = tiny_clip.pixel_values(np.asarray(Image.open(f).convert("RGB")))[None]
        out[f.split("/")[-1]] = (torch.nn.functional.normalize(m.encode_image(x), dim=-1) @ t.t()).item()
print(json.dumps(out))`;
      const want = JSON.parse(
        execFileSync(PYTHON, ['-c', script, query, ...files.map((f) => join(photos, f.split('/')[1]))], {
          encoding: 'utf8',
          env: { ...env, PYTHONPATH: `${FAKE_OPEN_CLIP}:${join(STANDIN, '..')}` },
        }),
      ) as Record<string, number>;

      const added = await runCliJson<{ model: { modelId: number; dim: number } }>([
        'model',
        'add',
        model,
        '--lab',
        labPath,
      ]);
      expect(added.model.dim).toBe(16);
      const found = await runCliJson<{ results: { path: string; score: number }[] }>([
        'search',
        '--lab',
        labPath,
        '--model',
        String(added.model.modelId),
        '--text',
        query,
        '-k',
        '2',
        '--embedding-only',
      ]);
      expect(found.results).toHaveLength(2);
      for (const r of found.results) expect(r.score).toBeCloseTo(want[r.path], 4);
    },
    120_000,
  );
});
