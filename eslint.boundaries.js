/**
 * Who may import whom: the layering of core, enforced by eslint (no-restricted-imports per folder). Tests and
 * testing helpers are exempt, so a test may build a fixture with any layer.
 *
 *   core/api      the contract: types, zod schemas, the RPC envelope and client. Imports zod and itself only.
 *   core/util     small shared helpers (RNG, errors, workers, content types).
 *   core/store    the lab file: every SQL statement, migrations. Bottom layer.
 *   core/knn      the neighbour library: pure (arrays in, answers out).
 *   core/theory   the Theory lab's maths, built on core/knn.
 *   core/data     import: scan, decode, tables; writes through core/store.
 *   core/model    training and embedding (TF.js).
 *   core/service  the API's implementation over one lab.
 *   core/cli, core/server, core/process  the front doors: command line, browser mode, Electron's utility process.
 */
const MAY_IMPORT = {
  api: [],
  util: [],
  store: ['api', 'util'],
  knn: ['api', 'util'],
  theory: ['knn', 'api', 'util'],
  data: ['store', 'api', 'util'],
  model: ['knn', 'store', 'data', 'api', 'util'],
  service: ['model', 'data', 'theory', 'knn', 'store', 'api', 'util'],
  server: ['service', 'api', 'util'],
  process: ['service', 'store', 'api', 'util'],
  cli: ['service', 'server', 'model', 'data', 'theory', 'knn', 'store', 'api', 'util'],
};
const FOLDERS = Object.keys(MAY_IMPORT);

const UI_PACKAGES = {
  group: ['electron', 'electron/*', 'svelte', 'svelte/*', '**/renderer/**', '**/electron/**'],
  message: 'core is headless: it never imports Electron, Svelte or the renderer.',
};
const SQLITE = { name: 'better-sqlite3', message: 'only core/store talks to SQLite.' };

const TESTS = ['**/*.test.ts', '**/testing/**'];

/** One eslint config per core folder: the other core folders it may not import, by relative path. */
function coreFolder(folder) {
  const banned = FOLDERS.filter((f) => f !== folder && !MAY_IMPORT[folder].includes(f));
  const patterns = [UI_PACKAGES];
  if (banned.length > 0) {
    patterns.push({
      regex: `^(\\.\\./)+(${banned.join('|')})/`,
      message: `core/${folder} may import only ${MAY_IMPORT[folder].map((f) => `core/${f}`).join(', ') || 'itself'} (see eslint.boundaries.js).`,
    });
  }
  if (folder === 'api') {
    patterns.push({
      regex: '^(?!zod$|\\./)',
      message: 'core/api is the contract: it imports zod and its own files only.',
    });
  }
  return {
    files: [`core/${folder}/**/*.ts`],
    ignores: TESTS,
    rules: {
      'no-restricted-imports': ['error', { paths: folder === 'store' ? [] : [SQLITE], patterns }],
    },
  };
}

/** SQL is prepared in core/store only. */
const SQL_IN_STORE = {
  files: ['core/**/*.ts'],
  ignores: ['core/store/**', ...TESTS],
  rules: {
    'no-restricted-syntax': [
      'error',
      {
        selector:
          'CallExpression[callee.property.name=/^(prepare|exec|pragma)$/][arguments.0.type=/Literal|TemplateLiteral/][callee.object.name!=/^[A-Z]/]:not([arguments.0.regex])',
        message: 'SQL lives in core/store: add a function there and call it.',
      },
    ],
  },
};

const RENDERER = {
  files: ['renderer/**/*.{ts,svelte}'],
  ignores: ['**/*.spec.ts', 'renderer/src/testing/**'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            regex: '^(\\.\\./)+core/',
            message: 'The renderer reaches core only through the typed API: import from $api/… (core/api).',
          },
        ],
      },
    ],
  },
};

const ELECTRON = {
  files: ['electron/**/*.ts'],
  ignores: TESTS,
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            regex: '^(\\.\\./)+core/(?!api/|process/|util/)',
            message: 'Electron main reaches core through core/api, core/process (the utility process) and core/util.',
          },
        ],
      },
    ],
  },
};

export const boundaries = [...FOLDERS.map(coreFolder), SQL_IN_STORE, RENDERER, ELECTRON];
