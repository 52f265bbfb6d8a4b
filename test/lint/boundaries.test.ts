import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/** Lints one line as if it stood in `filePath` and returns the messages of the boundary rules. */
async function lint(filePath: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: process.cwd() });
  const [result] = await eslint.lintText(`${code}\nexport {};\n`, { filePath });
  return result.messages
    .filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax')
    .map((m) => m.message);
}

describe('the import boundaries (eslint.boundaries.js)', () => {
  it('keep core/knn pure: no store, no model', async () => {
    expect(await lint('core/knn/probe.ts', "import type { Lab } from '../store/lab.ts';")).toEqual([
      expect.stringMatching(/core\/knn may import only/),
    ]);
    expect(await lint('core/knn/deep/probe.ts', "import '../../model/model.ts';")).toHaveLength(1);
    expect(await lint('core/knn/probe.ts', "import { createRng } from '../util/random.ts';")).toEqual([]);
  });

  it('keep core/store the bottom layer and core/api the bare contract', async () => {
    expect(await lint('core/store/probe.ts', "import '../data/split.ts';")).toHaveLength(1);
    expect(await lint('core/api/probe.ts', "import '../store/lab.ts';")).not.toEqual([]);
    expect(await lint('core/api/probe.ts', "import 'node:fs';")).toHaveLength(1);
    expect(await lint('core/api/probe.ts', "import { z } from 'zod';\nimport './contract.ts';")).toEqual([]);
  });

  it('keep UI code out of core and core out of the renderer but for core/api', async () => {
    expect(await lint('core/service/probe.ts', "import { app } from 'electron';")).toHaveLength(1);
    expect(await lint('core/model/probe.ts', "import { mount } from 'svelte';")).toHaveLength(1);
    expect(await lint('renderer/src/lib/probe.ts', "import '../../../core/store/lab.ts';")).toHaveLength(1);
    expect(await lint('renderer/src/lib/probe.ts', "import type { Results } from '$api/contract.ts';")).toEqual([]);
    expect(await lint('electron/main/probe.ts', "import '../../core/service/service.ts';")).toHaveLength(1);
  });

  it('keep SQL in core/store', async () => {
    const sql = "declare const db: { prepare(s: string): unknown };\ndb.prepare('SELECT 1');";
    expect(await lint('core/service/probe.ts', sql)).toEqual([expect.stringMatching(/SQL lives in core\/store/)]);
    expect(await lint('core/store/probe.ts', sql)).toEqual([]);
    expect(await lint('core/data/probe.ts', "import Database from 'better-sqlite3';")).toHaveLength(1);
  });
});
