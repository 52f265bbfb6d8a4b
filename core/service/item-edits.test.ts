import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiEvent } from '../api/contract.ts';
import { importFolder } from '../data/import/import-folder.ts';
import { embeddingCounts } from '../store/embeddings.ts';
import { lockPath } from '../store/job-lock.ts';
import { Lab } from '../store/lab.ts';
import { makeImage, tempDir, write } from '../../test/helpers/corpus.ts';
import { NearlabService } from './service.ts';
import { callApi } from './testing/call-api.ts';

const services: NearlabService[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) {
    await s.jobManager.idle();
    s.lab.close();
  }
});

async function labService(): Promise<{ service: NearlabService; root: string; events: ApiEvent[] }> {
  const root = tempDir('nearlab-svc-edits-');
  for (const [k, name] of ['a', 'b', 'c'].entries()) write(root, `${name}.png`, await makeImage('png', k + 1));
  write(root, 'captions.csv', 'file,caption\na.png,first\nb.png,second\nc.png,third\n');
  const lab = Lab.open(join(tempDir(), 'svc.lab'));
  await importFolder(lab, root, { split: 'train' });
  const service = new NearlabService(lab);
  services.push(service);
  const events: ApiEvent[] = [];
  service.subscribe((e) => events.push(e));
  return { service, root, events };
}

const call = callApi;

const idOf = (service: NearlabService, path: string) =>
  (service.lab.db.prepare('SELECT id FROM items WHERE path = ?').get(path) as { id: number }).id;

describe('editing and removing items through the API', () => {
  it('edits an item and answers it with its history; the views are told the lab changed; undo reverts', async () => {
    const { service, events } = await labService();
    const id = idOf(service, 'a.png');
    const detail = await call(service, 'editItem', { id, split: 'val', label: 'letter', captions: ['first', 'A'] });
    expect(detail).toMatchObject({ id, split: 'val', label: 'letter', captions: ['first', 'A'] });
    expect(detail.history.map((h) => [h.field, h.before, h.after])).toEqual([
      ['split', 'train', 'val'],
      ['label', null, 'letter'],
      ['caption', null, 'A'],
    ]);
    expect(events).toContainEqual({ type: 'lab-changed' });
    expect((await call(service, 'item', { id })).history).toHaveLength(3);
    expect((await call(service, 'itemHistory', { id })).entries).toEqual(detail.history);

    const undo = await call(service, 'undoItemEdit', { id });
    expect(undo.undone).toHaveLength(3);
    expect(undo.item).toMatchObject({ split: 'train', label: null, captions: ['first'] });
    expect((await call(service, 'undoItemEdit', { id })).undone).toEqual([]);
  });

  it('refuses bad edits and unknown ids by name', async () => {
    const { service } = await labService();
    await expect(call(service, 'editItem', { id: 4242, split: 'val' })).rejects.toMatchObject({
      kind: 'ItemNotFoundError',
      message: expect.stringContaining('no item 4242'),
    });
    await expect(call(service, 'removeItems', { ids: [idOf(service, 'a.png'), 4242, 4343] })).rejects.toThrow(
      /no item 4242, 4343/,
    );
    await expect(call(service, 'editItem', { id: 1, label: '  ' })).rejects.toMatchObject({ kind: 'bad-request' });
    await expect(call(service, 'editItem', { id: 1, split: 'holdout' })).rejects.toMatchObject({ kind: 'bad-request' });
    expect((await call(service, 'listItems', {})).total).toBe(3);
  });

  it('removes items and a folder named as typed; the files stay', async () => {
    const { service, root, events } = await labService();
    expect(await call(service, 'removeItems', { ids: [idOf(service, 'a.png')] })).toEqual({ removed: 1 });
    expect(events).toContainEqual({ type: 'lab-changed' });
    expect((await call(service, 'listItems', {})).total).toBe(2);
    await expect(call(service, 'removeFolder', { root: '/no/such/folder' })).rejects.toThrow(
      `the lab has no folder /no/such/folder; its folders are ${root}`,
    );
    expect(await call(service, 'removeFolder', { root: `${root}/` })).toEqual({ root, removed: 2 });
    expect((await call(service, 'info', {})).roots).toEqual([]);
    expect(existsSync(join(root, 'a.png'))).toBe(true);
  });

  it('refuses a removal while a job of the app or of another process works on the lab', async () => {
    const { service, root } = await labService();
    const { jobId } = await call(service, 'startImport', { folder: root });
    await expect(call(service, 'removeFolder', { root })).rejects.toMatchObject({
      kind: 'conflict',
      message: `the job "Import ${root}" is working on this lab: try removing the folder ${root} again when it has finished`,
    });
    await service.jobManager.idle();
    expect(service.jobManager.list().find((j) => j.id === jobId)?.status).toBe('done');

    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      const holder = { token: 't', pid: other.pid, host: hostname(), kind: 'train', title: 'the training of model 2' };
      writeFileSync(lockPath(service.lab), JSON.stringify({ ...holder, startedAt: new Date().toISOString() }));
      await expect(call(service, 'removeItems', { ids: [idOf(service, 'b.png')] })).rejects.toThrow(
        `the training of model 2 (pid ${other.pid}) is working on this lab: try removing item`,
      );
      // Edits of captions, labels and splits go on: a job's writes never clash with them.
      await expect(call(service, 'editItem', { id: idOf(service, 'b.png'), label: 'x' })).resolves.toMatchObject({
        label: 'x',
      });
    } finally {
      other.kill();
    }
    expect((await call(service, 'listItems', {})).total).toBe(3);
  });
  it("embeds a caption typed in by hand with the lab's models at once, as a job", async () => {
    const { service } = await labService();
    const { addOnnxModel } = await import('../model/onnx/add.ts');
    const folder = fileURLToPath(new URL('../../test/fixtures/tiny-clip', import.meta.url));
    const { modelId } = await addOnnxModel(service.lab, folder, {});
    await call(service, 'startEmbedding', { modelId });
    await service.jobManager.idle();
    const captionEmbeddings = () => embeddingCounts(service.lab.db, modelId).caption;
    expect(captionEmbeddings()).toBe(3);
    await call(service, 'editItem', { id: 1, captions: ['first', 'a hand-written caption'] });
    await service.jobManager.idle();
    expect(captionEmbeddings()).toBe(4);
    const jobs = (await call(service, 'jobs', {})).jobs.filter((j) => j.kind === 'embed');
    expect(jobs.map((j) => j.status)).toEqual(['done', 'done']);
  });
});
