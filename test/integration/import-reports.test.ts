import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importFolder } from '../../core/data/import/import-folder.ts';
import { Lab } from '../../core/store/lab.ts';
import { runCli } from '../helpers/cli.ts';
import { heicBytes, makeBmp, makeDeepFolder, makeImage, svgImage, tempDir, write } from '../helpers/corpus.ts';

const newLab = (name: string) => Lab.open(join(tempDir(), name));

describe('what an import says about files it cannot take', () => {
  it('reports a folder whose path is longer than the system allows, naming it shortened', async () => {
    const dir = tempDir();
    write(dir, 'top.png', await makeImage('png', 1));
    makeDeepFolder(dir, 200, await makeImage('png', 2));
    const lab = newLab('deep.lab');
    const s = await importFolder(lab, dir);
    expect(s.added).toBe(1);
    const deep = s.problems.filter((p) => p.path.startsWith('d'));
    expect(deep).toHaveLength(1);
    expect(deep[0]).toMatchObject({ severity: 'error', line: null });
    expect(deep[0].reason).toMatch(
      /path is \d[\d,]* bytes long \(\d+ names deep\), over the system's limit of [\d,]+ \(PATH_MAX\)/,
    );
    expect(deep[0].reason).toMatch(/not imported/);
    expect(deep[0].path.length).toBeLessThan(200);
    expect(deep[0].path).toMatch(/^d{30}\/d{30}.*…/);
    expect(s.errors).toBe(1);
    lab.close();
  });

  it('decides each format by the bytes: SVG imported, HEIC and BMP refused by name, disguised content named', async () => {
    const dir = tempDir();
    write(dir, 'ok.png', await makeImage('png', 1));
    write(dir, 'drawing.svg', svgImage());
    write(dir, 'drawing-as.png', svgImage(40, 30));
    write(dir, 'phone.heic', heicBytes());
    write(dir, 'phone-as.jpg', heicBytes());
    write(dir, 'old.bmp', makeBmp(8, 8));
    write(dir, 'jpeg-as.png', await makeImage('jpeg', 3));
    const lab = newLab('formats.lab');
    const s = await importFolder(lab, dir);
    const reason = (path: string) => s.problems.find((p) => p.path === path)?.reason;
    expect(reason('phone.heic')).toBe('HEIC is not supported by this build; convert to JPEG');
    expect(reason('phone-as.jpg')).toBe(
      'the content is HEIC, not JPEG as the name says: HEIC is not supported by this build; convert to JPEG',
    );
    expect(reason('old.bmp')).toBe('BMP is not supported by this build; convert to PNG');
    expect(reason('drawing-as.png')).toBe(
      'the content is SVG (a vector drawing), not PNG as the name says; rename it to .svg to import it',
    );
    expect(s).toMatchObject({ found: 7, added: 3, errors: 4 });
    const formats = lab.db.prepare('SELECT i.path, im.format FROM items i JOIN images im ON im.id = i.image_id').all();
    expect(formats).toEqual(
      expect.arrayContaining([
        { path: 'drawing.svg', format: 'svg' },
        { path: 'jpeg-as.png', format: 'jpeg' },
        { path: 'ok.png', format: 'png' },
      ]),
    );
    expect(s.skipped).toEqual([
      { reason: 'BMP is not supported by this build; convert to PNG', files: 1 },
      { reason: 'HEIC is not supported by this build; convert to JPEG', files: 1 },
      {
        reason: 'the content is HEIC, not JPEG as the name says: HEIC is not supported by this build; convert to JPEG',
        files: 1,
      },
      {
        reason: 'the content is SVG (a vector drawing), not PNG as the name says; rename it to .svg to import it',
        files: 1,
      },
    ]);
    lab.close();

    const r = await runCli(['import', dir, '--lab', join(tempDir(), 'cli.lab')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/not imported: 4 files\n\s+1 × BMP is not supported by this build; convert to PNG\n/);
  });

  it('warns when a folder holds no images', async () => {
    const dir = tempDir();
    write(dir, 'notes/readme.md', '# nothing here\n');
    const lab = newLab('empty.lab');
    const s = await importFolder(lab, dir);
    expect(s.problems).toEqual([
      { path: '.', line: null, severity: 'warning', reason: `no images found in ${s.root}` },
    ]);
    expect(s.notices).toEqual([`no images found in ${s.root}`]);
    expect(s.warnings).toBe(1);
    lab.close();

    const r = await runCli(['import', dir, '--lab', join(tempDir(), 'cli.lab')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`  ! no images found in ${s.root}\n`);
  });

  it('says when the tables name files relative to a sub-folder (the wrong-folder trap)', async () => {
    const dir = tempDir();
    const names = Array.from({ length: 25 }, (_, i) => `${String(i).padStart(2, '0')}.png`);
    for (const [i, name] of names.entries()) write(dir, `images/${name}`, await makeImage('png', i + 1, 16));
    write(dir, 'captions.tsv', ['file\tcaption', ...names.map((n) => `${n}\tpicture ${n}`)].join('\n') + '\n');
    write(dir, 'labels.tsv', ['file\tlabel', ...names.map((n) => `${n}\tthing`), 'gone.png\tthing'].join('\n') + '\n');
    mkdirSync(join(dir, 'other'));
    const lab = newLab('trap.lab');
    const s = await importFolder(lab, dir);
    const hint = (table: string) =>
      `${table} names files relative to images/: import that folder (nearlab import ${join(s.root, 'images')} --${table.split('.')[0]} ${join(s.root, table)}), or write its paths from this folder (images/00.png)`;
    expect(s.problems.filter((p) => p.line === null && p.path.endsWith('.tsv'))).toEqual([
      { path: 'captions.tsv', line: null, severity: 'warning', reason: hint('captions.tsv') },
      { path: 'labels.tsv', line: null, severity: 'warning', reason: hint('labels.tsv') },
    ]);
    expect(s.notices).toEqual([hint('captions.tsv'), hint('labels.tsv')]);
    expect(s.errors).toBe(51); // every row still names an image that is not there
    lab.close();

    const r = await runCli(['import', dir, '--lab', join(tempDir(), 'cli.lab')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`  ! ${hint('captions.tsv')}\n`);
    expect(r.stdout).toContain(`  ! ${hint('labels.tsv')}\n`);
  });
});
