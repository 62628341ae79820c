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
  },
  server: { fs: { allow: [fileURLToPath(new URL('.', import.meta.url))] } },
});
