import { defineConfig } from 'vite';

// `npm run bench` builds the benchmark's Node entry points with this config into out/bench
// (SSR mode keeps npm dependencies external, like the CLI's build), then runs out/bench/index.js.
export default defineConfig({
  build: {
    ssr: true,
    outDir: 'out/bench',
    target: 'node20',
    sourcemap: true,
    emptyOutDir: false,
    rollupOptions: {
      input: {
        index: 'bench/main.ts',
        'server-process': 'bench/processes/server-process.ts',
        'client-worker': 'bench/processes/client-worker.ts',
        'emulator-process': 'bench/processes/emulator-process.ts',
      },
      output: {
        format: 'cjs',
        entryFileNames: '[name].js',
        chunkFileNames: 'chunks/[name]-[hash].js',
      },
    },
  },
});
