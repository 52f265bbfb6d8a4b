/**
 * electron.builder.yml cannot be built here (no Electron download), so it is checked offline:
 * valid against electron-builder's own JSON schema, fuses set, and every native or wasm file of the
 * production dependencies left out of the asar archive.
 */
import { Ajv } from 'ajv';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const builderLib = require.resolve('app-builder-lib/package.json');
// The same glob matcher electron-builder applies to `files` and `asarUnpack`.
const { minimatch } = createRequire(builderLib)('minimatch') as {
  minimatch: (path: string, pattern: string, options?: { dot?: boolean }) => boolean;
};
const config = parse(readFileSync(join(ROOT, 'electron.builder.yml'), 'utf8')) as Record<string, unknown> & {
  asarUnpack: string[];
  files: string[];
  electronFuses: Record<string, boolean>;
  extraResources: { from: string; to: string }[];
};
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  main: string;
  dependencies: Record<string, string>;
  optionalDependencies?: Record<string, string>;
};

/** Every package electron-builder would ship: production dependencies and theirs, as installed here. */
function productionPackages(): string[] {
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name) || !existsSync(join(ROOT, 'node_modules', name, 'package.json'))) return;
    seen.add(name);
    const p = JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    };
    for (const d of Object.keys({ ...p.dependencies, ...p.optionalDependencies })) visit(d);
  };
  for (const d of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) visit(d);
  return [...seen];
}

/** Files under a package that cannot be used from inside an asar archive: addons, shared libraries, wasm. */
function nativeFiles(name: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const p = join(dir, entry);
      const st = statSync(p);
      if (st.isDirectory()) {
        if (entry !== 'node_modules' && entry !== 'src' && entry !== 'deps') walk(p);
      } else if (/\.(node|wasm|so(\.\d+)*|dylib|dll)$/.test(entry)) out.push(relative(ROOT, p));
    }
  };
  walk(join(ROOT, 'node_modules', name));
  return out;
}

const unpacked = (path: string) => config.asarUnpack.some((pattern) => minimatch(path, pattern, { dot: true }));

describe('electron.builder.yml', () => {
  it("is valid against electron-builder's schema", () => {
    const schemaPath = join(dirname(builderLib), 'scheme.json');
    const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as object;
    const ajv = new Ajv({ strict: false, allowUnionTypes: true });
    const validate = ajv.compile(schema);
    const ok = validate(config);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(ok).toBe(true);
    // The schema is not a formality: a misspelt key is refused.
    expect(validate({ ...config, electronFuse: { runAsNode: false } })).toBe(false);
    expect(validate({ ...config, electronFuses: { runAsNod: false } })).toBe(false);
  });

  it('names the app and its targets', () => {
    expect(config.productName).toBe('Nearlab');
    expect(config.appId).toMatch(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/);
    expect((config.linux as { target: string[] }).target).toEqual(['AppImage', 'deb']);
    expect((config.mac as { target: string[] }).target).toEqual(['dmg']);
    expect((config.win as { target: string[] }).target).toEqual(['nsis']);
  });

  it('turns the risky Electron fuses off and the protective ones on', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      enableCookieEncryption: true,
    });
    expect(config.asar).toBe(true);
  });

  it('ships the built app and no tests', () => {
    const shipped = (path: string) =>
      config.files.filter((p) => !p.startsWith('!')).some((p) => minimatch(path, p)) &&
      !config.files.filter((p) => p.startsWith('!')).some((p) => minimatch(path, p.slice(1)));
    for (const p of [
      pkg.main,
      'out/main/utility.js',
      'out/preload/index.cjs',
      'out/renderer/index.html',
      'package.json',
      'resources/sample/captions.tsv',
    ]) {
      expect(shipped(p), p).toBe(true);
    }
    for (const p of [
      'electron/main/index.test.ts',
      'out/main/x.test.js',
      'core/service/service.ts',
      'renderer/src/App.svelte',
      'out/main/index.js.map',
      'test/e2e/app.spec.ts',
    ]) {
      expect(shipped(p), p).toBe(false);
    }
    expect(config.extraResources).toContainEqual(expect.objectContaining({ from: 'resources/sample', to: 'sample' }));
  });

  it('unpacks every native module and wasm file the production dependencies bring', () => {
    const natives = productionPackages().filter((name) => nativeFiles(name).length > 0);
    // The ones this project knows about must be among them, so the scan itself is checked.
    expect(natives).toEqual(expect.arrayContaining(['better-sqlite3', 'usearch', '@tensorflow/tfjs-backend-wasm']));
    expect(natives.some((n) => n.startsWith('@img/sharp-'))).toBe(true);
    for (const name of natives) {
      for (const file of nativeFiles(name)) expect(unpacked(file), file).toBe(true);
    }
    for (const name of ['better-sqlite3', 'sharp', 'usearch']) {
      expect(unpacked(`node_modules/${name}/package.json`), `${name} unpacked whole`).toBe(true);
    }
  });

  it('keeps plain JavaScript inside the archive', () => {
    for (const p of ['out/main/index.js', 'node_modules/zod/index.js', 'node_modules/@tensorflow/tfjs/dist/index.js']) {
      expect(unpacked(p), p).toBe(false);
    }
  });
});
