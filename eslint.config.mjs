// @ts-check
// Lint is where the zones of docs/architecture.md are enforced: each zone lists what it may
// not import. src/zones.test.ts proves that a violation fails.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const ZONES = ['shared', 'emulator', 'server', 'core', 'cli', 'main', 'preload', 'renderer'];

/** A relative import that reaches into another top-level zone of src/. */
function zoneImport(zone) {
  return `^(\\.\\./)+(src/)?${zone}(/|$)`;
}

/**
 * @param {string[]} forbiddenZones zones this zone must not import
 * @param {{ node?: boolean, electron?: boolean, extra?: {regex: string, message: string}[] }} opts
 */
function restrict(forbiddenZones, opts = {}) {
  const patterns = forbiddenZones.map((zone) => ({
    regex: zoneImport(zone),
    message: `this zone may not import src/${zone} (see docs/architecture.md, "Zones")`,
  }));
  if (opts.node === false) {
    patterns.push({
      regex: '^node:',
      message: 'no Node built-ins in this zone: it must also run in a browser',
    });
  }
  patterns.push(...(opts.extra ?? []));
  const paths = [];
  if (opts.electron === false) {
    paths.push({
      name: 'electron',
      message: "only src/main and src/preload may import 'electron'",
    });
  }
  return { 'no-restricted-imports': ['error', { paths, patterns }] };
}

const NODE_BUILTINS = [
  'fs',
  'path',
  'os',
  'net',
  'http',
  'https',
  'crypto',
  'child_process',
  'events',
  'stream',
  'util',
  'url',
  'zlib',
  'buffer',
  'worker_threads',
];
const noBareBuiltins = NODE_BUILTINS.map((name) => ({
  regex: `^${name}(/|$)`,
  message: `no Node built-in '${name}' in this zone: it must also run in a browser`,
}));

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'out/**',
      'dist/**',
      'test-results/**',
      'playwright-report/**',
      'bench/results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  // Command-line entry points, tests, benchmarks and e2e may print.
  {
    files: [
      'src/cli/**',
      '**/*.test.ts',
      '**/*.test.tsx',
      'e2e/**',
      'bench/**',
      'bin/**',
      'tools/**',
      '*.mjs',
    ],
    rules: { 'no-console': 'off' },
  },
  // The feed state's entries are persistent maps (`Entries` in src/shared/feed/types.ts):
  // Object.keys/values/entries on one lists the map's own fields, and type-checks.
  {
    files: ['src/**/*.ts', 'src/**/*.tsx', 'test/**/*.ts', 'bench/**/*.ts', 'e2e/**/*.ts'],
    ignores: ['src/renderer/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "CallExpression[callee.object.name='Object'][callee.property.name=/^(keys|values|entries)$/] > MemberExpression.arguments[property.name=/^(calls|campaigns|callsGone)$/]",
          message:
            'feed entries are persistent maps: use .keys(), .values() or .entries() (a renderer record: src/renderer only)',
        },
      ],
    },
  },
  {
    files: ['bin/**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  // ---- zones -----------------------------------------------------------------------------
  {
    files: ['src/shared/**'],
    languageOptions: { globals: {} },
    rules: {
      ...restrict(
        ZONES.filter((z) => z !== 'shared'),
        {
          node: false,
          electron: false,
          extra: [
            ...noBareBuiltins,
            {
              regex:
                '^(socket\\.io(-client)?|mongodb|bson|react|react-dom|zustand|@tanstack/.*)(/|$)',
              message: 'src/shared is pure: no I/O or UI libraries',
            },
          ],
        },
      ),
      'no-restricted-globals': [
        'error',
        ...['window', 'document', 'navigator', 'localStorage', 'process', 'Buffer', 'require'].map(
          (name) => ({ name, message: `src/shared is pure: no '${name}'` }),
        ),
      ],
    },
  },
  {
    files: ['src/emulator/**'],
    rules: restrict(
      ZONES.filter((z) => z !== 'emulator'),
      { electron: false },
    ),
  },
  {
    files: ['src/server/**'],
    rules: restrict(['core', 'cli', 'main', 'preload', 'renderer'], { electron: false }),
  },
  {
    files: ['src/core/**'],
    ignores: ['src/core/embedded/**'],
    rules: restrict(['server', 'emulator', 'cli', 'main', 'preload', 'renderer'], {
      electron: false,
      node: false,
      extra: noBareBuiltins,
    }),
  },
  {
    files: ['src/core/embedded/**'],
    rules: restrict(['cli', 'main', 'preload', 'renderer'], { electron: false }),
  },
  {
    files: ['src/cli/**'],
    rules: restrict(['main', 'preload', 'renderer'], { electron: false }),
  },
  {
    files: ['src/main/**'],
    rules: restrict(['preload', 'renderer']),
  },
  {
    files: ['src/preload/**'],
    rules: restrict(['emulator', 'server', 'core', 'cli', 'main', 'renderer'], {
      node: false,
      extra: noBareBuiltins,
    }),
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...restrict(['emulator', 'server', 'cli', 'main', 'preload'], {
        electron: false,
        node: false,
        extra: [
          ...noBareBuiltins,
          {
            regex: '^(\\.\\./)+(src/)?core/embedded(/|$)',
            message: 'the renderer may only use the browser-safe part of src/core',
          },
        ],
      }),
    },
  },
);
