import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

/** Where the dev server and `vite preview` send API calls; the API serves the built admin itself. */
const apiProxy = {
  '/trpc': { target: 'http://127.0.0.1:3000' },
  '/media': { target: 'http://127.0.0.1:3000' },
};

/** vue-i18n's build flags: composition API only (the legacy API is left out of the bundle). */
export const I18N_FLAGS = {
  __VUE_I18N_FULL_INSTALL__: 'true',
  __VUE_I18N_LEGACY_API__: 'false',
  __INTLIFY_PROD_DEVTOOLS__: 'false',
};

/**
 * Each page is its own chunk (the routes import their views lazily), and Element Plus is
 * imported per component with its CSS, so the first load carries only the shell.
 */
export default defineConfig({
  plugins: [vue()],
  define: I18N_FLAGS,
  server: { proxy: apiProxy },
  preview: { proxy: apiProxy },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 700,
  },
});
