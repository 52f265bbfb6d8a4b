import { appendFileSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JobState, Results } from '../../core/api/contract.ts';
import { dispatch } from '../../core/api/rpc.ts';
import { copyTinyClip, TINY_CLIP, tinyClipExpected } from '../../core/model/onnx/testing/tiny-clip.ts';
import { NearlabService } from '../../core/service/service.ts';
import { Lab } from '../../core/store/lab.ts';
import { runCli, runCliJson } from '../helpers/cli.ts';
import { tempDir } from '../helpers/corpus.ts';

/** A folder of the fixture's two test images, one captioned. */
function photos(): string {
  const dir = tempDir('nearlab-clip-photos-');
  for (const e of tinyClipExpected().images) copyFileSync(join(TINY_CLIP, e.file), join(dir, e.file.split('/')[1]));
  writeFileSync(join(dir, 'captions.csv'), 'file,caption\nred-disc.png,a photo of a red disc\n');
  return dir;
}

describe('nearlab model add', () => {
  it('writes nothing for a bad folder, adds and embeds with a good one, and says when its files change', async () => {
    const lab = join(tempDir('nearlab-clip-lab-'), 'clip.nearlab');
    await runCliJson(['import', photos(), '--lab', lab]);

    const bad = copyTinyClip();
    writeFileSync(join(bad, 'tokenizer.json'), '{"model": ');
    const refused = await runCli(['model', 'add', bad, '--lab', lab, '--json']);
    expect(refused.code).toBe(1);
    const error = (JSON.parse(refused.stdout) as { error: { kind: string; message: string } }).error;
    expect(error.kind).toBe('OnnxFolderError');
    expect(error.message).toMatch(new RegExp(`^${join(bad, 'tokenizer.json')}: not valid JSON`));
    expect((await runCliJson<{ models: unknown[] }>(['models', '--lab', lab])).models).toEqual([]);

    const good = copyTinyClip();
    const added = await runCliJson<{
      model: { modelId: number; name: string; dim: number };
      embedded: { images: number; captions: number; status: string };
    }>(['model', 'add', good, '--name', 'tiny', '--lab', lab]);
    expect(added.model).toMatchObject({ name: 'tiny', dim: 16 });
    expect(added.embedded).toMatchObject({ status: 'done', images: 2, captions: 1 });
    const id = added.model.modelId;
    const listed = await runCliJson<{ models: Results['models']['models'] }>(['models', '--lab', lab]);
    expect(listed.models).toMatchObject([
      { id, name: `#${id} tiny`, kind: 'onnx-clip', status: 'done', dim: 16, imageSize: 32, embedded: true },
    ]);

    // Text search runs its text model on the query.
    const search = ['search', '--lab', lab, '--model', String(id), '--text', 'a red disc', '-k', '2'];
    const found = await runCliJson<{ results: { path: string }[] }>(search);
    expect(found.results.map((r) => r.path).sort()).toEqual(['gradient.png', 'red-disc.png']);

    appendFileSync(join(good, 'preprocessor_config.json'), ' ');
    const changed = await runCli([...search, '--embedding-only']);
    expect(changed.code).toBe(1);
    expect(changed.stderr).toContain(`the files of model ${id} changed or moved: preprocessor_config.json changed`);
  }, 60_000);
});

describe('addModel', () => {
  async function finished(service: NearlabService, jobId: string): Promise<JobState> {
    for (;;) {
      const job = service.jobManager.list().find((j) => j.id === jobId)!;
      if (job.status !== 'running') return job;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('refuses a bad folder with the file named, then adds a good one and embeds the lab in a job', async () => {
    const dir = tempDir('nearlab-clip-api-');
    const lab = Lab.open(join(dir, 'api.nearlab'));
    const service = new NearlabService(lab);
    const { importFolder } = await import('../../core/data/import/import-folder.ts');
    await importFolder(lab, photos());

    const missing = join(dir, 'not-a-clip');
    mkdirSync(missing);
    const refused = await dispatch(service.api, 'addModel', { folder: missing });
    expect(refused).toMatchObject({ ok: false, error: { kind: 'MissingOnnxFilesError' } });
    expect(JSON.stringify(refused)).toContain('it has no onnx/vision_model.onnx, onnx/text_model.onnx');
    expect(await service.api.models({})).toEqual({ models: [] });

    const r = await dispatch(service.api, 'addModel', { folder: TINY_CLIP });
    expect(r.ok).toBe(true);
    const { model, jobId } = (r as { result: Results['addModel'] }).result;
    expect(model).toMatchObject({ kind: 'onnx-clip', name: `#${model.id} tiny-clip`, backend: 'onnxruntime' });
    const job = await finished(service, jobId);
    expect(job).toMatchObject({ kind: 'embed', status: 'done', result: { images: 2, captions: 1 } });
    const [listed] = (await service.api.models({})).models;
    expect(listed).toMatchObject({ id: model.id, embedded: true });
    lab.close();
  }, 30_000);
});
