import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The baseline renderer page (bench/renderer/baseline), built like the real renderer
// (production React, minified) into out/bench/baseline-renderer.
export default defineConfig({
  root: resolve(import.meta.dirname, 'baseline'),
  base: './',
  plugins: [react()],
  logLevel: 'warn',
  build: {
    outDir: resolve(import.meta.dirname, '../../out/bench/baseline-renderer'),
    emptyOutDir: true,
    minify: true,
  },
});
