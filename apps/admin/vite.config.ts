import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

/** Where the dev server and `vite preview` send API calls; the API serves the built admin itself. */
const apiProxy = {
  '/trpc': { target: 'http://127.0.0.1:3000' },
  '/media': { target: 'http://127.0.0.1:3000' },
  '/export': { target: 'http://127.0.0.1:3000' },
};

/** vue-i18n's build flags: composition API only (the legacy API is left out of the bundle). */
export const I18N_FLAGS = {
  __VUE_I18N_FULL_INSTALL__: 'true',
  __VUE_I18N_LEGACY_API__: 'false',
  __INTLIFY_PROD_DEVTOOLS__: 'false',
};

/**
 * A shared chunk's file name after what it holds (Rolldown names it after one of its
 * modules, which gives `css-*.js` for Element Plus's per-component style entries and
 * `dist-*.js` for a library): `vue-*.js`, `echarts-*.js`, `el-table-*.js`.
 */
function chunkName(chunk: { name: string; moduleIds: readonly string[] }): string {
  const ids = chunk.moduleIds;
  if (ids.some((id) => id.includes('/@vue/runtime-core/'))) return 'vue';
  if (ids.some((id) => /\/node_modules\/(echarts|zrender)\//.test(id))) return 'echarts';
  const component = ids.map((id) => /\/element-plus\/es\/components\/([^/]+)\//.exec(id)?.[1]).find(Boolean);
  if (component && (chunk.name === 'css' || chunk.name === 'index' || chunk.name === 'dist')) return `el-${component}`;
  return chunk.name;
}

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
    rollupOptions: {
      output: { chunkFileNames: (chunk) => `assets/${chunkName(chunk)}-[hash].js` },
    },
  },
});
