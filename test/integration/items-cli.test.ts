import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ItemDetail, ItemEdit } from '../../core/api/contract.ts';
import { runCli, runCliJson } from '../helpers/cli.ts';
import { makeImage, tempDir, write } from '../helpers/corpus.ts';

let folder: string;

beforeAll(async () => {
  folder = tempDir('nearlab-items-cli-');
  for (const [k, name] of ['a', 'b', 'c'].entries()) write(folder, `${name}.png`, await makeImage('png', k + 1));
  write(folder, 'captions.csv', 'file,caption\na.png,first\nb.png,second\nc.png,third\n');
  write(folder, 'labels.csv', 'file,label\na.png,letter\nb.png,letter\nc.png,letter\n');
});

async function importedLab(): Promise<string> {
  const lab = join(tempDir(), 'items.nearlab');
  await runCliJson(['import', folder, '--lab', lab, '--split', 'train']);
  return lab;
}

describe('nearlab items', () => {
  it('edits an item, shows its history, undoes the edit, and refuses unknown ids by name', async () => {
    const lab = await importedLab();
    const edited = await runCliJson<{ item: ItemDetail; changes: ItemEdit[] }>([
      'items',
      'edit',
      '1',
      '--split',
      'val',
      '--no-label',
      '--caption',
      'first',
      '--caption',
      'the letter a',
      '--lab',
      lab,
    ]);
    expect(edited.item).toMatchObject({ split: 'val', label: null, captions: ['first', 'the letter a'] });
    expect(edited.changes.map((c) => c.field)).toEqual(['split', 'label', 'caption']);

    const history = await runCli(['items', 'history', '1', '--lab', lab]);
    expect(history.code).toBe(0);
    expect(history.stdout).toMatch(
      /#1 {2}split {4}"train" → "val"\n.*label {4}"letter" → \(none\)\n.*caption {2}\(none\) → "the letter a"\n$/,
    );

    const undo = await runCli(['items', 'undo', '1', '--lab', lab]);
    expect(undo.stdout).toContain('undid ');
    expect(undo.stdout).toContain('split train, label letter; captions:\n  "first"\n');
    expect((await runCli(['items', 'undo', '1', '--lab', lab])).stdout).toBe('item 1 has no change left to undo\n');

    const unknown = await runCli(['items', 'edit', '77', '--split', 'test', '--lab', lab]);
    expect([unknown.code, unknown.stderr]).toEqual([1, expect.stringContaining('the lab has no item 77')]);
    const nothing = await runCli(['items', 'edit', '1', '--lab', lab]);
    expect([nothing.code, nothing.stderr]).toEqual([1, expect.stringContaining('nothing to change')]);
  });

  it('removes items and a folder, keeping the files, and an import brings them back', async () => {
    const lab = await importedLab();
    const one = await runCli(['items', 'remove', '2', '--lab', lab]);
    expect(one.stdout).toContain('removed 1 item from');
    expect(one.stdout).toContain('its file is kept on disk, and a later import of its folder adds it back');
    expect((await runCliJson<{ items: number }>(['info', '--lab', lab])).items).toBe(2);
    expect((await runCli(['items', 'history', '2', '--lab', lab])).stdout).toMatch(
      /removed {2}b\.png taken out of the lab/,
    );

    const folderRemoval = await runCli(['items', 'remove', '--folder', folder, '--lab', lab]);
    expect(folderRemoval.stdout).toContain(`removed the folder ${folder} and its 2 items from`);
    expect(await runCliJson(['info', '--lab', lab])).toMatchObject({ items: 0, roots: [] });
    expect(existsSync(join(folder, 'b.png'))).toBe(true);

    expect(await runCliJson(['import', folder, '--lab', lab])).toMatchObject({ added: 3 });
    expect((await runCliJson<{ items: number }>(['info', '--lab', lab])).items).toBe(3);
  });

  it('waits for a job of another process before removing, saying which', async () => {
    const lab = await importedLab();
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    const holder = { token: 't', pid: other.pid, host: hostname(), kind: 'train', title: 'the training of model 2' };
    writeFileSync(`${lab}.lock`, JSON.stringify({ ...holder, startedAt: new Date().toISOString() }));
    const removal = runCli(['items', 'remove', '1', '--lab', lab]);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await runCliJson<{ items: number }>(['info', '--lab', lab])).items).toBe(3);
    other.kill();
    const done = await removal;
    expect(done.stderr).toContain(`waiting for the training of model 2 started`);
    expect([done.code, done.stdout]).toEqual([0, expect.stringContaining('removed 1 item')]);
  });
});
