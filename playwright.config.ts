import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';
import bcrypt from 'bcryptjs';

/**
 * End-to-end tests drive Debian's Chromium (never a downloaded browser) against gapscope served by
 * `next start`: one instance on the lab, one pointed at a Prometheus address where nothing listens, and one
 * with access control on.
 * `npm test` builds the app first.
 */
const LAB_PORT = 3100;
const DEAD_PROMETHEUS_PORT = 3101;
// Not 3102: e2e/fleet-1000.spec.ts starts its own server there.
const ACCESS_CONTROL_PORT = 3104;

/**
 * A user for the instance with access control on, made once per run (the runner sets these before it
 * starts the workers, which inherit them): no password is written into the repository.
 */
process.env.GAPSCOPE_E2E_PASSWORD ??= randomBytes(12).toString('base64url');
process.env.GAPSCOPE_E2E_WEB_CONFIG ??= join(mkdtempSync(join(tmpdir(), 'gapscope-e2e-')), 'web.yml');
if (!existsSync(process.env.GAPSCOPE_E2E_WEB_CONFIG)) {
  writeFileSync(process.env.GAPSCOPE_E2E_WEB_CONFIG, `basic_auth_users:\n  sre: ${bcrypt.hashSync(process.env.GAPSCOPE_E2E_PASSWORD, 10)}\n`);
}
export const ACCESS_CONTROL = { url: `http://127.0.0.1:${ACCESS_CONTROL_PORT}`, user: 'sre', password: process.env.GAPSCOPE_E2E_PASSWORD };
/** An origin allowed to frame embeds (e2e/embeds.spec.ts serves a host page there through page.route). */
export const ALLOWED_FRAME_ANCESTOR = 'http://127.0.0.2:3111';
export const LAB_URL = `http://127.0.0.1:${LAB_PORT}`;

export default defineConfig({
  testDir: 'e2e',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  workers: 1,
  retries: 0,
  forbidOnly: true,
  reporter: 'list',
  use: {
    baseURL: LAB_URL,
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.GAPSCOPE_CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
    screenshot: 'only-on-failure',
    trace: 'off',
  },
  webServer: [
    {
      // The whole demo: lab plus gapscope. It stops by itself after 30 minutes if it is ever left behind.
      command: `node --import tsx lab/cli.ts demo --octet 30 --port ${LAB_PORT} --max-lifetime 30m`,
      env: { GAPSCOPE_FRAME_ANCESTORS: ALLOWED_FRAME_ANCESTOR, GAPSCOPE_FLEET_CACHE_TTL: '5s' },
      url: `http://127.0.0.1:${LAB_PORT}/api/healthz`,
      timeout: 180_000,
      reuseExistingServer: false,
      gracefulShutdown: { signal: 'SIGTERM', timeout: 20_000 },
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      command: `npx next start -H 127.0.0.1 -p ${DEAD_PROMETHEUS_PORT}`,
      env: { GAPSCOPE_PROMETHEUS_URL: 'http://127.0.0.1:3109', GAPSCOPE_PROMETHEUS_TIMEOUT: '2s' },
      url: `http://127.0.0.1:${DEAD_PROMETHEUS_PORT}/api/healthz`,
      timeout: 60_000,
      reuseExistingServer: false,
      gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 },
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      // Access control on (basic auth from a Prometheus-style web configuration), Prometheus unreachable.
      command: `npx next start -H 127.0.0.1 -p ${ACCESS_CONTROL_PORT}`,
      env: { GAPSCOPE_PROMETHEUS_URL: 'http://127.0.0.1:3109', GAPSCOPE_PROMETHEUS_TIMEOUT: '2s', GAPSCOPE_WEB_CONFIG_FILE: process.env.GAPSCOPE_E2E_WEB_CONFIG },
      url: `http://127.0.0.1:${ACCESS_CONTROL_PORT}/api/healthz`,
      timeout: 60_000,
      reuseExistingServer: false,
      gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 },
      stdout: 'ignore',
      stderr: 'pipe',
    },
  ],
});

export const DEAD_PROMETHEUS_URL = `http://127.0.0.1:${DEAD_PROMETHEUS_PORT}`;
