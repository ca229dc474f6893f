// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', '.tmp-*/**', 'dist/**', 'data/**', 'coverage/**', 'docs/**', 'grafana/**', 'bin/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: "MemberExpression[object.name='process'][property.name='env']", message: 'Only src/app/config reads process.env.' }],
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['fastify', '@fastify/*', 'kysely', 'pg', 'pg-*', 'ioredis', 'bullmq', 'drachtio-*', 'prom-client', 'pino', 'node:*', '../adapters/*', '../../adapters/*', '../app/*', '../../app/*'], message: 'src/domain is pure: no framework or I/O imports.' },
      ] }],
    },
  },
  {
    files: ['src/runtime/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['kysely', 'pg', 'pg-*', 'ioredis', 'bullmq', 'drachtio-*', 'fastify', '**/adapters/*', '**/adapters/**', '**/app/*', '**/app/**'], message: 'The runtime sees only its ports (src/runtime/ports, src/domain/ports): adapters are wired in the composition root.' },
      ] }],
    },
  },
  {
    files: ['src/adapters/http/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['**/runtime/*', '**/app/*', '**/app/**'], message: 'HTTP routes see ports and services only (src/domain/ports, src/adapters/http/http-services.ts), never the runtime or the composition root.' },
      ] }],
    },
  },
  {
    files: ['src/app/config/**/*.ts', 'tests/**/*.ts', 'bench/**/*.ts', 'vitest.config.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
