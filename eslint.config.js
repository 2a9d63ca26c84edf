import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: [".next/", "node_modules/", "drizzle/", "data/", "tests/bench/work/", "next-env.d.ts"] },
  js.configs.recommended,
  { files: ["**/*.mjs", "**/*.js"], languageOptions: { globals: { URL: "readonly", process: "readonly", console: "readonly" } } },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "warn",
    },
  },
  {
    // The engine and the executor never reach up into the web layer (DESIGN.md: dependencies point one way).
    files: ["server/sync/**", "server/dr/**", "server/events/**", "server/db/**"],
    rules: {
      "no-restricted-imports": ["error", { patterns: ["**/app/**", "**/components/**", "**/server/api/**", "../api/*", "next", "next/*", "react"] }],
    },
  },
);
