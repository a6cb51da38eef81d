import { defineConfig } from 'vitest/config';
import vue from '@vitejs/plugin-vue';
import { VitePWA } from 'vite-plugin-pwa';
import { readFileSync } from 'node:fs';

const appVersion = (JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string })
  .version;

export default defineConfig({
  plugins: [
    vue(),
    VitePWA({
      // The user decides when a new version takes over ("Có phiên bản mới — cập nhật"), so that an update
      // never reloads a page in the middle of marking attendance.
      registerType: 'prompt',
      injectRegister: false,
      manifest: {
        name: 'Trường An — An toàn trường học Hà Nội',
        short_name: 'Trường An',
        description: 'Diễn tập, tuyên truyền pháp luật, an toàn giao thông và tập huấn trong trường học',
        lang: 'vi',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'any',
        theme_color: '#0b5394',
        background_color: '#ffffff',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      // Our own service worker (src/client/pwa/sw.ts): precache, app-shell navigation, Background Sync and an
      // update that waits for the user. The API is never answered from a cache (see sw.ts).
      strategies: 'injectManifest',
      srcDir: 'src/client/pwa',
      filename: 'sw.ts',
      injectManifest: {
        // mjs: the pdf.js worker (features/materials/PdfViewer.vue), so PDFs open offline.
        globPatterns: ['**/*.{js,mjs,css,html,svg,png,ico,woff,woff2,webmanifest}'],
        maximumFileSizeToCacheInBytes: 5 * 1024 * 1024,
      },
    }),
  ],
  define: {
    // Shown on the settings page, so that a support call can tell which version a tablet runs.
    __APP_VERSION__: JSON.stringify(appVersion),
  },
  build: {
    outDir: 'dist/client',
    emptyOutDir: true,
    sourcemap: true,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'server',
          environment: 'node',
          include: ['tests/unit/shared/**/*.test.ts', 'tests/unit/server/**/*.test.ts', 'tests/integration/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'client',
          environment: 'happy-dom',
          include: ['tests/unit/client/**/*.test.ts'],
        },
      },
    ],
  },
});
