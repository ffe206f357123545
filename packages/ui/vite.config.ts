import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: { '@wisp/protocol': fileURLToPath(new URL('../protocol/src/index.ts', import.meta.url)) },
  },
  // The collector serves dist/ under a CSP without 'unsafe-inline': nothing may be inlined as script.
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, modulePreload: { polyfill: false } },
  // `npm run dev -w @wisp/ui` proxies the API to a collector on the default port.
  server: { proxy: { '/api': process.env.WISP_URL ?? 'http://127.0.0.1:4318' } },
});
