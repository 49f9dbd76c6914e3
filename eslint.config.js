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

  prettier,
);
