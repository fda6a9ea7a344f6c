import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const why = (rule) => `Layer rule (docs/architecture.md): ${rule}`;
/** src/shared: the words every layer uses; it knows no layer. */
const SHARED_ONLY = { regex: '^\\.\\./', message: why('src/shared imports nothing from platform, modules or flows') };
/** src/platform: plumbing with no business rules, so no module, flow or composition root. */
const NO_MODULES = { regex: '/modules/', message: why('platform never imports a module') };
const NO_FLOWS = { regex: '/flows/', message: why('platform never imports a flow') };
const NO_ROOT = { regex: '^(\\.\\./)+(app|main|probe-app)\\.js$', message: why('only main.ts composes the app') };
/** src/modules/x: another module only through its index.ts; never a flow or the composition root. */
const NO_FLOWS_FROM_MODULE = { regex: '/flows/', message: why('a module never imports a flow or its routes') };
const NO_ROOT_FROM_MODULE = {
  regex: '^\\.\\./\\.\\./(app|main|probe-app)\\.js$',
  message: why('a module never imports the composition root'),
};
const MODULE_FACE = {
  regex: '^\\.\\./(?!\\.\\.)[^/]+/(?!index\\.js$)',
  message: why('another module is reached through its index.ts, never its files'),
};
const MODULE_FACE_FROM_FLOW = {
  regex: '^\\.\\./modules/[^/]+/(?!index\\.js$)',
  message: why('a flow reaches a module through its index.ts, never its files'),
};

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.data/', 'bench/results/'] },
  { files: ['bin/**/*.js'], languageOptions: { globals: { process: 'readonly' } } },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through src/config.ts' },
      ],
      // Prettier wraps code at 120; this also holds comments to it. Literals (messages, SQL, test names) and URLs
      // may run longer: breaking them would change what they say.
      'max-len': [
        'error',
        { code: 120, ignoreUrls: true, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true },
      ],
    },
  },
  // Layers import downward only: flows → modules → platform → shared (docs/architecture.md).
  { files: ['src/shared/**'], rules: { 'no-restricted-imports': ['error', { patterns: [SHARED_ONLY] }] } },
  {
    files: ['src/platform/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_MODULES, NO_FLOWS, NO_ROOT] }] },
  },
  {
    files: ['src/modules/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [NO_FLOWS_FROM_MODULE, NO_ROOT_FROM_MODULE, MODULE_FACE] }],
    },
  },
  {
    files: ['src/flows/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_ROOT, MODULE_FACE_FROM_FLOW] }] },
  },
  {
    files: ['src/config.ts', 'test/**', 'bench/**', 'scripts/**', 'sim/**', 'support/**'],
    rules: { 'no-restricted-properties': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
);
