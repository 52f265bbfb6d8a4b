import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI } from '../helpers/cli.ts';
import { tempDir } from '../helpers/corpus.ts';

describe('nearlab serve on a fresh clone', () => {
  it('builds the browser UI once when it is missing, then serves it for the token', async () => {
    const ui = join(tempDir('nearlab-ui-'), 'renderer');
    const child = spawn(process.execPath, [CLI, 'serve', '--lab', join(tempDir(), 'fresh.lab'), '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NEARLAB_RENDERER_DIR: ui },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          try {
            resolve((JSON.parse(out) as { url: string }).url);
          } catch {
            // not the whole object yet
          }
        });
        child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
      });
      expect(stderr).toMatch(/building the browser UI once/);
      expect(existsSync(join(ui, 'index.html'))).toBe(true);
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/<script type="module"[^>]* src="\.\/assets\//);
    } finally {
      child.kill('SIGTERM');
    }
  }, 180_000);
});
