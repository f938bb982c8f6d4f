// ESLint: typescript-eslint's type-checked rules over everything we write (src, test, demo,
// bench and the config files), React's rules of hooks where React is used. Formatting is
// Prettier's job (prettier.config.js), not ESLint's.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    ignores: ['**/dist/', 'coverage/', 'test-artifacts/', '.test-dist/', 'test/react18/node_modules/'],
  },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // A promise nobody awaits is a rejection nobody handles: fire-and-forget is written `void …`.
      '@typescript-eslint/no-floating-promises': 'error',
      // The reference server's session stores override express-session's callback methods with
      // async ones, as connect-redis does; express-session ignores what they return.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { inheritedMethods: false } }],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // An async function without an await is how a method returns a promise of a plain value
      // (the memory vault, bench contenders) and turns a throw into a rejection.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Tests and bench probes save a method (a prototype's, a session's) to wrap it and call it later with .call/.apply.
    files: ['test/**', 'bench/**'],
    rules: {
      '@typescript-eslint/unbound-method': 'off',
      // Vitest's asymmetric matchers (expect.any(), expect.stringMatching()) are typed `any`.
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
  {
    files: ['src/react/**/*.ts', 'demo/react/**/*.tsx', 'bench/apps/**/*react*.ts', 'bench/pages/**/*.ts', 'test/unit/bindings/react*.ts'],
    extends: [reactHooks.configs.flat['recommended-latest']],
  },
  {
    files: ['**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
