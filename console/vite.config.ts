import { defineConfig } from 'vite';

/**
 * The web console: Preact through Vite's own JSX transform (oxc), so no framework plugin is
 * needed. Served at /console/ by both backends (functions/serve-console), so every asset URL
 * starts with that base.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  resolve: {
    // Preact's own builds, as @preact/preset-vite would alias them.
    alias: { react: 'preact/compat', 'react-dom': 'preact/compat' },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // A strict CSP forbids inline scripts: Vite's module preload polyfill would be one.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
});
