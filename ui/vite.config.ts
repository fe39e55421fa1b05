// The console's build: served by the gateway at /ui, built into dist/ui by `npm run build`. `npx vite ui` serves it
// with hot reload, passing API calls to a gateway on 127.0.0.1:8000.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const gateway = 'http://127.0.0.1:8000';

export default defineConfig({
  root: import.meta.dirname,
  base: '/ui/',
  plugins: [react()],
  build: { outDir: '../dist/ui', emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  server: {
    proxy: {
      '/v1/ws': { target: gateway, ws: true },
      '/v1': gateway,
      '/admin': gateway,
      '/health': gateway,
    },
  },
});
