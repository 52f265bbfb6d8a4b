import { describe, expect, it } from 'vitest';

// Source files as text (Vite's glob import: no Node APIs needed).
const renderer = import.meta.glob(['./**/*.ts', './**/*.svelte', '!./**/*.spec.ts', '!./testing/**'], {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;
const core = import.meta.glob('../../core/**/*.ts', { query: '?raw', import: 'default', eager: true }) as Record<
  string,
  string
>;

const BASE = 'file:///main/renderer/src/';
/** The `$api` alias of renderer/vite.config.ts, as a path in the same made-up tree as BASE. */
const API_ALIAS = '$api/';
const API_PATH = '/main/core/api/';
const IMPORT = /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\s+['"]([^'"]+)['"]/g;
const ALLOWED_PACKAGES = ['svelte', 'svelte/reactivity', 'uplot', 'uplot/dist/uPlot.min.css'];

interface Import {
  spec: string;
  typeOnly: boolean;
}

function importsOf(text: string): Import[] {
  return [...text.matchAll(IMPORT)].map((m) => ({
    spec: m[1] ?? m[2],
    typeOnly: /^(?:import|export)\s+type\s/.test(m[0]),
  }));
}

const coreByPath = new Map(Object.entries(core).map(([k, v]) => [new URL(k, BASE).pathname, v]));

/** Where an import of `file` lands: `$api/…` is core/api, a relative path is relative to the file. */
function resolve(spec: string, file: string): string {
  if (spec.startsWith(API_ALIAS)) return API_PATH + spec.slice(API_ALIAS.length);
  return new URL(spec, new URL(file, BASE)).pathname;
}

/** Renderer files that main.ts reaches through imports: what the bundle holds. */
function bundled(): string[] {
  const byPath = new Map(Object.keys(renderer).map((k) => [new URL(k, BASE).pathname, k]));
  const seen = new Set<string>();
  const todo = ['./main.ts'];
  while (todo.length > 0) {
    const file = todo.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const { spec } of importsOf(renderer[file])) {
      const next = byPath.get(resolve(spec, file));
      if (next) todo.push(next);
    }
  }
  return [...seen];
}

describe('renderer boundaries', () => {
  it('bundles only browser code: its own files, svelte, uplot, and dependency-free core/api modules', () => {
    const files = bundled();
    const bad: string[] = [];
    for (const file of files) {
      for (const { spec, typeOnly } of importsOf(renderer[file])) {
        if (ALLOWED_PACKAGES.includes(spec)) continue;
        const target = resolve(spec, file);
        if (spec.startsWith('.') && target.startsWith('/main/renderer/src/')) continue;
        if (!spec.startsWith(API_ALIAS) || !target.startsWith(API_PATH)) {
          bad.push(`${file}: ${spec}`);
          continue;
        }
        // Types vanish from the bundle; a value import must bring nothing else along (no zod, no Node).
        if (typeOnly) continue;
        const source = coreByPath.get(target);
        if (source === undefined) bad.push(`${file}: ${spec} does not exist`);
        else if (importsOf(source).some((i) => !i.typeOnly)) bad.push(`${file}: ${spec} has runtime imports`);
      }
    }
    expect(files).toContain('./views/library/LibraryView.svelte');
    expect(files).toContain('./components/LinePlot.svelte');
    expect(files.length).toBeGreaterThan(30);
    expect(bad).toEqual([]);
  });

  it('reaches core only through the $api alias', () => {
    const relative = Object.entries(renderer).flatMap(([file, text]) =>
      importsOf(text)
        .filter(({ spec }) => spec.startsWith('.') && !resolve(spec, file).startsWith('/main/renderer/'))
        .map(({ spec }) => `${file}: ${spec}`),
    );
    expect(relative).toEqual([]);
    expect(resolve('$api/contract.ts', './views/library/LibraryView.svelte')).toBe('/main/core/api/contract.ts');
    expect(coreByPath.has(resolve('$api/client.ts', './main.ts'))).toBe(true);
  });

  it('would catch a value import of the contract (it pulls in zod)', () => {
    const contract = coreByPath.get('/main/core/api/contract.ts') ?? '';
    expect(importsOf(contract).some((i) => !i.typeOnly && i.spec === 'zod')).toBe(true);
  });
});
