import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));
const alias = {
  '@': root,
  // server-only guards client bundles; tests run on the server side.
  'server-only': fileURLToPath(new URL('./lab/test-support/empty-module.ts', import.meta.url)),
};

export default defineConfig({
  test: {
    projects: [
      {
        resolve: { alias },
        test: { name: 'unit', include: ['lib/**/*.test.ts', 'lab/**/*.test.ts', 'components/**/*.test.ts'], exclude: ['**/*.lab.test.ts', 'node_modules/**'] },
      },
      {
        resolve: { alias },
        test: {
          name: 'lab',
          include: ['**/*.lab.test.ts'],
          exclude: ['node_modules/**'],
          // Each file starts its own lab on its own loopback range; they run one after another.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
