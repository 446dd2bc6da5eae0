import { join } from 'node:path';
import { defineConfig } from 'vite';

// Builds the load test's client process (support/load-clients.ts); npm deps stay external.
// The output folder comes from CALLBOARD_LOAD_OUT (support/load-process.ts sets it).
export default defineConfig({
  logLevel: 'warn',
  build: {
    ssr: join(__dirname, 'load-clients.ts'),
    outDir: process.env.CALLBOARD_LOAD_OUT ?? 'out/reliability',
    target: 'node20',
    emptyOutDir: true,
    rollupOptions: { output: { format: 'cjs', entryFileNames: 'load-clients.js' } },
  },
});
