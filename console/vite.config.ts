import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

/**
 * Built into console/dist and served by the API binary at /console/. Only installed packages are used, so
 * `npm start` can build it offline. No inline script or style ends up in the page (CSP: script-src 'self').
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
  plugins: [preact()],
  build: { outDir: 'dist', emptyOutDir: true, assetsInlineLimit: 0, sourcemap: false },
  logLevel: 'warn',
});
