import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';

/**
 * In `electron-vite dev` only: drops index.html's <meta> CSP, which has no room for Vite's
 * inline React refresh preamble and injected <style> elements. The main process sends the
 * development CSP as a header instead (contentSecurityPolicy in src/main/security).
 */
const devDropsMetaCsp: Plugin = {
  name: 'callboard-dev-drops-meta-csp',
  apply: 'serve',
  transformIndexHtml: (html) =>
    html.replace(/<meta\s+http-equiv="Content-Security-Policy"[^>]*>/, ''),
};

// electron-vite emits CommonJS for main and preload (package.json has no "type": "module");
// a sandboxed preload must be a single CommonJS file.
export default defineConfig({
  main: {
    build: {
      rollupOptions: { input: { index: resolve(__dirname, 'src/main/index.ts') } },
    },
  },
  preload: {
    build: {
      rollupOptions: { input: { index: resolve(__dirname, 'src/preload/index.ts') } },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    base: './',
    plugins: [react(), devDropsMetaCsp],
    build: {
      minify: true,
      rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } },
    },
  },
});
