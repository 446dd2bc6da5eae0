import { defineConfig } from 'vite';

// The `callboard` command (bin/callboard.js loads out/cli/index.js). SSR mode keeps every
// npm dependency external, so the CLI uses the same installed packages as the app.
export default defineConfig({
  build: {
    ssr: 'src/cli/index.ts',
    outDir: 'out/cli',
    target: 'node20',
    sourcemap: true,
    emptyOutDir: true,
    rollupOptions: { output: { format: 'cjs', entryFileNames: 'index.js' } },
  },
});
