import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 20_000,
    // Git-heavy end-to-end tests spawn many processes; forks isolate cwd and env per file.
    pool: "forks",
    globalSetup: ["test/helpers/compile-cache-setup.ts", "test/helpers/generated-validators-setup.ts"],
  },
});
