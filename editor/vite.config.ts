import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

// The editor is served by the Go binary at /, its hashed files under /assets with long cache
// lifetimes; `npm run dev` proxies the API to a local `switchboard serve`. The build writes the
// licence texts of every package it bundles to dist/third-party-licenses.txt, served at
// /third-party-licenses.txt.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2500,
    license: { fileName: 'third-party-licenses.txt' },
  },
  worker: { format: 'es' },
  server: {
    proxy: { '/api': process.env.SWITCHBOARD_URL ?? 'http://127.0.0.1:8080' },
  },
})
