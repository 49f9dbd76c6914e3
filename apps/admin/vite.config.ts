import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

/** Where the dev server and `vite preview` send API calls; the API serves the built admin itself. */
const apiProxy = {
  '/trpc': { target: 'http://127.0.0.1:3000' },
};

export default defineConfig({
  plugins: [vue()],
  server: { proxy: apiProxy },
  preview: { proxy: apiProxy },
});
