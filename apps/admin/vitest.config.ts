import vue from '@vitejs/plugin-vue';
import { packageTestConfig } from '../../vitest.base.ts';
import { I18N_FLAGS } from './vite.config.ts';

const base = packageTestConfig();

/**
 * Component tests render .vue files in happy-dom; pure modules' tests run there too.
 * Element Plus goes through Vite (not Node's loader), so its per-component CSS imports
 * resolve (to nothing) in tests.
 */
export default {
  ...base,
  plugins: [vue()],
  define: I18N_FLAGS,
  test: { ...base.test, environment: 'happy-dom', server: { deps: { inline: ['element-plus'] } } },
};
