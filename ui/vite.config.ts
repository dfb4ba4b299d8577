/**
 * Builds the dashboard into ui/dist, which the API serves. `npm run dev` serves it
 * with hot reload and forwards API calls, so the browser sees one origin just as
 * it does in production (the CSP only allows 'self').
 */
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

const api = process.env.WHOOSH_API_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [svelte()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
  },
  server: {
    proxy: { '/api': api, '/health': api },
  },
});
