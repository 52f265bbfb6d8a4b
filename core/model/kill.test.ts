import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { latestCheckpoint } from '../store/checkpoints.ts';
import { modelSteps } from '../store/history.ts';
import { invoke } from '../api/rpc.ts';
import { NearlabService } from '../service/service.ts';
import type { Lab } from '../store/lab.ts';
import { listModels, modelWeights, resumableModels, runStatus } from '../store/models.ts';
import { createFixtureLab } from '../store/testing/fixture-lab.ts';
import { TINY_CONFIG } from './testing/tiny-config.ts';
import { train } from './trainer.ts';

const child = fileURLToPath(new URL('./testing/train-child.ts', import.meta.url));

/** Trains in a child process on the lab and kills it (-9) once it has printed `step N`; returns its output. */
async function killAfterStep(lab: Lab, step: number, checkpointSeconds = 0): Promise<string> {
  const args = ['--import', 'tsx', child, lab.path, String(checkpointSeconds)];
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
  await new Promise<void>((resolve, reject) => {
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      // Killed somewhere inside a later step, not at a chosen point.
      if (new RegExp(`step ${step}\\n`).test(out)) {
        proc.kill('SIGKILL');
        resolve();
      }
    });
    proc.on('exit', (code) => reject(new Error(`child exited (${code}) before step ${step}: ${out}${err}`)));
  });
  await new Promise((r) => proc.once('exit', r));
  return out;
}

describe('kill -9 during training', () => {
  it('resumes from the last checkpoint and finishes with the same weights as an uninterrupted run', async () => {
    const lab = createFixtureLab({ perPair: 6 });
    const out = await killAfterStep(lab, 3);
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

  it('shows a run killed before its first checkpoint as interrupted; it resumes from the start, or is removed', async () => {
    const lab = createFixtureLab({ perPair: 6 });
    await killAfterStep(lab, 1, 3600);
    const [killed] = listModels(lab.db);
    expect(latestCheckpoint(lab.db, killed.id)).toBeNull();
    expect(runStatus(killed)).toBe('interrupted');
    const service = new NearlabService(lab);
    const shown = (await invoke(service.api, 'models', {})).models.find((m) => m.id === killed.id);
    expect(shown?.status).toBe('interrupted');
    expect(resumableModels(lab.db).map((m) => m.id)).toEqual([killed.id]);

    const resumed = await train(lab, {}, { threads: 'local', prefer: 'wasm', resume: killed.id });
    expect(resumed).toMatchObject({ modelId: killed.id, status: 'done' });
    const straight = await train(lab, { ...TINY_CONFIG, epochs: 4 }, { threads: 'local', prefer: 'wasm' });
    expect(modelWeights(lab.db, killed.id)).toEqual(modelWeights(lab.db, straight.modelId));
    expect(modelSteps(lab.db, killed.id)).toEqual(modelSteps(lab.db, straight.modelId));

    await killAfterStep(lab, 1, 3600);
    const [again] = listModels(lab.db);
    expect(await invoke(service.api, 'removeModel', { modelId: again.id })).toEqual({ modelId: again.id });
    expect(listModels(lab.db).map((m) => m.id)).not.toContain(again.id);
    lab.close();
  }, 180_000);
});
