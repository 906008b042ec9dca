import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "mocks/**/*.test.ts", "contract-tests/**/*.test.ts"],
    globalSetup: ["contract-tests/support/globalSetup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000
  }
})
