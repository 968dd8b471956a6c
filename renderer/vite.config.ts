import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

// base './': the same bundle loads from file:// in Electron and from the studio's HTTP server.
export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    // xterm and React in one chunk are larger than Vite's web-page default warning.
    chunkSizeWarningLimit: 1500,
  },
});
