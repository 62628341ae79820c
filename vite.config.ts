import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { CONTENT_SECURITY_POLICY_META } from './shared/api/security.ts';

const root = fileURLToPath(new URL('./renderer', import.meta.url));

export default defineConfig({
  root,
  // Relative asset URLs, so the same build loads from file:// in Electron and from the web host.
  base: './',
  plugins: [
    react(),
    {
      // The CSP as a meta tag, first in <head>: the one policy of shared/api/security.ts, also for file:// in Electron.
      name: 'parley-csp',
      apply: 'build',
      transformIndexHtml: () => [
        { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY_META }, injectTo: 'head-prepend' },
      ],
    },
  ],
  build: {
    outDir: fileURLToPath(new URL('./out/renderer', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 6000,
    sourcemap: false,
    // Non-ASCII characters escaped: a script with even one of them ("…", "→") is kept by V8 as two bytes a
    // character, which doubled the studio's source text in the JS heap (about 1 MB at open; canvas bench, heap row).
    rolldownOptions: { output: { charset: 'ascii' } },
  },
  server: { fs: { allow: [fileURLToPath(new URL('.', import.meta.url))] } },
});
