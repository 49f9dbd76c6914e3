// @ts-check
import js from '@eslint/js';
import prettier from 'eslint-config-prettier/flat';
import { defineConfig, globalIgnores } from 'eslint/config';
import pluginVue from 'eslint-plugin-vue';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores(['**/dist/', '**/node_modules/', '**/migrations/', '**/.turbo/', '**/coverage/', 'data/']),

  js.configs.recommended,
  tseslint.configs.recommended,
  pluginVue.configs['flat/recommended'],

  {
    name: 'vmcloud/globals/node',
    files: ['**/*.{js,mjs,cjs,ts,mts,cts}'],
    ignores: ['apps/admin/src/**'],
    languageOptions: { globals: globals.node },
  },
  {
    name: 'vmcloud/globals/browser',
    files: ['apps/admin/src/**/*.{ts,vue}'],
    languageOptions: { globals: globals.browser },
  },
  {
    name: 'vmcloud/vue',
    files: ['**/*.vue'],
    languageOptions: {
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] },
    },
    rules: {
      // TypeScript (vue-tsc) checks undefined names, with the types the templates and scripts really have.
      'no-undef': 'off',
    },
  },
  {
    // apps/admin: every visible string goes through vue-i18n (`t('domain.key')`, src/locales).
    name: 'vmcloud/admin/i18n',
    files: ['apps/admin/src/**/*.vue'],
    rules: {
      'vue/no-bare-strings-in-template': 'error',
    },
  },
  {
    // Pages are mounted by the router, never written as tags: `dashboard.vue` is a fine name.
    name: 'vmcloud/admin/pages',
    files: ['apps/admin/src/views/**/*.vue'],
    rules: {
      'vue/multi-word-component-names': 'off',
    },
  },
  {
    name: 'vmcloud/rules',
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
        },
      ],
    },
  },

  // apps/api: rules live in domain folders and know nothing of tRPC; routers are thin and
  // never import one another (README, "Where code lives"). Router files are `router.ts` and
  // `*-router.ts`; the tRPC layer is `src/trpc/` and `src/http/`; `src/app-router.ts`
  // composes the routers.
  {
    name: 'vmcloud/api/domain',
    files: ['apps/api/src/**/*.ts'],
    ignores: [
      'apps/api/src/testing.ts',
      'apps/api/src/server.ts',
      'apps/api/src/index.ts',
      'apps/api/src/trpc/**',
      'apps/api/src/http/**',
      'apps/api/src/**/router.ts',
      'apps/api/src/**/*-router.ts',
      'apps/api/src/app-router.ts',
      'apps/api/src/**/*.test.ts',
      'apps/api/src/**/*.test-d.ts',
      'apps/api/src/**/*.test-helpers.ts',
      'apps/api/test/**',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@trpc/server', '@trpc/server/*'],
              message:
                'Only the tRPC layer (src/trpc, src/http) and router files import @trpc/server; throw a domain error (src/shared/errors.ts).',
            },
            {
              group: ['**/trpc/*'],
              message:
                'Rules take what they need (src/shared/writer.ts) and know nothing of the tRPC layer; only routers and the server import it.',
            },
          ],
        },
      ],
    },
  },
  {
    name: 'vmcloud/api/routers',
    files: ['apps/api/src/**/router.ts', 'apps/api/src/**/*-router.ts'],
    ignores: ['apps/api/src/app-router.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)([a-z-]+-)?router\\.js$',
              message: 'A router never imports another router: move the shared rule into its domain module.',
            },
          ],
        },
      ],
    },
  },
  {
    name: 'vmcloud/api/permission-codes',
    files: ['apps/api/**/*.ts'],
    ignores: ['apps/api/src/access/catalog.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'Literal[value=/^\\d{5}$/]',
          message: 'A permission code is named through P (src/access/catalog.ts), never written as a literal.',
        },
        {
          selector: 'TemplateElement[value.raw=/^\\d{5}$/]',
          message: 'A permission code is named through P (src/access/catalog.ts), never written as a literal.',
        },
      ],
    },
  },

  prettier,
);
