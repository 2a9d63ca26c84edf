import { defineConfig } from "vitest/config";
import path from "node:path";

const alias = { "@": path.resolve(import.meta.dirname) };

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      { resolve: { alias }, test: { name: "unit", include: ["tests/unit/**/*.test.ts"], environment: "node" } },
      {
        resolve: { alias },
        test: { name: "integration", include: ["tests/integration/**/*.test.ts", "tests/interop/**/*.test.ts"], testTimeout: 120_000, hookTimeout: 120_000, fileParallelism: false },
      },
      {
        resolve: { alias },
        test: { name: "e2e", include: ["tests/e2e/**/*.test.ts"], testTimeout: 120_000, hookTimeout: 300_000, fileParallelism: false },
      },
    ],
  },
});
