import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';
import { metaContentSecurityPolicy } from './src/shared/content-security-policy';

/**
 * In the build only, the page's head gets what the built dashboard needs from outside
 * src/renderer: the part of the one CSP (src/shared/content-security-policy.ts) that a <meta>
 * can carry, first in <head> so it covers every script and stylesheet after it, and the app
 * icon (build/icon.ico, made by `npm run icons`) as ./favicon.ico, so a browser's icon
 * request finds a file. The headers carry the whole policy (the app's session and `callboard
 * serve`). `electron-vite dev` gets neither: its inline React refresh preamble and injected
 * <style> elements need the development policy, which the main process sends as a header
 * (contentSecurityPolicy in src/main/security).
 */
const builtPageHead: Plugin = {
  name: 'callboard-built-page-head',
  apply: 'build',
  transformIndexHtml: () => [
    {
      tag: 'meta',
      attrs: { 'http-equiv': 'Content-Security-Policy', content: metaContentSecurityPolicy() },
      injectTo: 'head-prepend',
    },
    { tag: 'link', attrs: { rel: 'icon', href: './favicon.ico' }, injectTo: 'head' },
  ],
  generateBundle() {
    this.emitFile({
      type: 'asset',
      fileName: 'favicon.ico',
      source: readFileSync(resolve(__dirname, 'build/icon.ico')),
    });
  },
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
    plugins: [react(), builtPageHead],
    build: {
      minify: true,
      rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } },
    },
  },
});
