// Lint keeps the layers honest: the folder says where code runs (see main/README.md).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'http', 'net', 'crypto'];

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'release/**', 'native/**', 'node_modules/**', 'test/tools/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // A logger is passed in; nothing in the main process or the studio's server prints by itself.
    files: ['main/core/**/*.ts', 'main/contract/**/*.ts', 'main/host/**/*.ts', 'server/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    files: ['main/contract/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [...nodeBuiltins, 'electron', 'react', 'better-sqlite3', '../core/*', '**/server/**'] },
      ],
    },
  },
  {
    files: ['server/**/*.ts', 'main/host/**/*.ts', 'main/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['electron', '**/renderer/**', '**/main/electron/**'] }],
    },
  },
  {
    // Hosts hold a studio by its handle (createStudio's Studio): never the database, the session
    // manager or the services behind the handle, which studioParts hands to tests alone.
    files: ['server/**/*.ts', 'main/host/**/*.ts', 'main/cli/**/*.ts', 'main/electron/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/core/studioParts*', '**/core/store/database*', '**/core/sessions/agentSessions*'],
              message: "A host reaches the studio through createStudio's handle (main/core/studio.ts).",
            },
          ],
        },
      ],
    },
  },
  {
    // The core is hosted by the server and the shells; it never reaches up into them.
    files: ['main/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['electron', '**/renderer/**', '**/main/electron/**', '**/server/**', '**/main/cli/**'] },
      ],
    },
  },
);
