import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { latestCheckpoint } from '../store/checkpoints.ts';
import { modelSteps } from '../store/history.ts';
import { listModels, modelWeights, resumableModels } from '../store/models.ts';
import { createFixtureLab } from '../store/testing/fixture-lab.ts';
import { TINY_CONFIG } from './testing/tiny-config.ts';
import { train } from './trainer.ts';

const child = fileURLToPath(new URL('./testing/train-child.ts', import.meta.url));

describe('kill -9 during training', () => {
  it('resumes from the last checkpoint and finishes with the same weights as an uninterrupted run', async () => {
    const lab = createFixtureLab({ perPair: 6 });
    const proc = spawn(process.execPath, ['--import', 'tsx', child, lab.path], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
    await new Promise<void>((resolve, reject) => {
      proc.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        // Killed somewhere inside a later step, not at a chosen point.
        if (/step 3\n/.test(out)) {
          proc.kill('SIGKILL');
          resolve();
        }
      });
      proc.on('exit', (code) => reject(new Error(`child exited (${code}) before step 3: ${out}${err}`)));
    });
    await new Promise((r) => proc.once('exit', r));
    expect(out).not.toContain('done');

    const [killed] = listModels(lab.db);
    expect(killed.status).toBe('running');
    expect(resumableModels(lab.db).map((m) => m.id)).toContain(killed.id);
    const cp = latestCheckpoint(lab.db, killed.id)!;
    expect(cp.step).toBeGreaterThanOrEqual(3);

    const resumed = await train(lab, {}, { threads: 'local', prefer: 'wasm', resume: killed.id });
    expect(resumed.status).toBe('done');
    const straight = await train(lab, { ...TINY_CONFIG, epochs: 4 }, { threads: 'local', prefer: 'wasm' });
    expect(modelWeights(lab.db, killed.id)).toEqual(modelWeights(lab.db, straight.modelId));
    expect(modelSteps(lab.db, killed.id)).toEqual(modelSteps(lab.db, straight.modelId));
    lab.close();
  }, 120_000);
});
