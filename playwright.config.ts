import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig } from '@playwright/test';

// E2E_PORT and E2E_CLIENT_DIR (a finished build, served as it is) let several runs share one machine.
const PORT = Number(process.env.E2E_PORT ?? 18280);
const BASE_URL = `http://127.0.0.1:${PORT}`;

/**
 * A fresh data directory per run, so every run starts from the demo data on a new SQLite database. Playwright
 * loads this file again in each worker; the workers inherit the variable and reuse the directory.
 */
function dataDir(): string {
  const existing = process.env.TRUONGAN_E2E_DATA_DIR;
  if (existing) return existing;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'truongan-e2e-'));
  process.env.TRUONGAN_E2E_DATA_DIR = dir;
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export default defineConfig({
  testDir: 'tests/e2e',
  workers: 1,
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    baseURL: BASE_URL,
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    },
  },
  projects: [
    // A 10-inch tablet in landscape (the side rail) and a phone (the bottom bar).
    { name: 'tablet', use: { viewport: { width: 1280, height: 800 }, hasTouch: true } },
    { name: 'phone', use: { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true } },
  ],
  webServer: {
    command: 'npm start',
    url: `${BASE_URL}/api/health`,
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      PORT: String(PORT),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir(),
      LOG_LEVEL: 'warn',
      // Empty means SQLite in DATA_DIR, whatever the calling shell exports.
      DATABASE_URL: '',
      CLIENT_DIR: process.env.E2E_CLIENT_DIR ?? '',
    },
  },
});
