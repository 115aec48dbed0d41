import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

// The editor is served by the Go binary at /, its hashed files under /assets with long cache
// lifetimes; `npm run dev` proxies the API to a local `switchboard serve`.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2500,
  },
  worker: { format: 'es' },
  server: {
    proxy: { '/api': process.env.SWITCHBOARD_URL ?? 'http://127.0.0.1:8080' },
  },
})
