import { configDefaults, defineConfig } from "vitest/config";

// Two projects: the unit tests, files in parallel; then the end-to-end tests
// (test/e2e), one file at a time, since they share one lab of real servers
// on fixed addresses (test/e2e/lab.ts also holds a lock while a file uses it).
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["test/**/*.test.ts"],
          exclude: [...configDefaults.exclude, "test/e2e/**"],
        },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
