import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const outerLayers = ['express', 'express/*', 'twilio', 'twilio/*', 'axios', 'winston', 'inversify', 'bullmq', 'ioredis', 'csv-parse', '**/adapters/**', '**/infrastructure/**'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Plain JavaScript launchers run on Node.
    files: ['bin/**/*.js', 'bench/**/*.mjs'],
    languageOptions: { globals: { URL: 'readonly', process: 'readonly', console: 'readonly' } },
  },
  {
    // The domain is plain TypeScript: no package at all, no outer layer.
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^(?!\\.{1,2}/)', message: 'src/domain imports no package' }, { group: ['**/application/**', ...outerLayers], message: 'src/domain depends on nothing outside it' }] }],
    },
  },
  {
    // Use cases and ports know nothing of HTTP, providers, logging libraries or wiring.
    files: ['src/application/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: outerLayers, message: 'src/application must not import outer layers or their libraries' }] }],
    },
  },
);
