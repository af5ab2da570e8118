// ESLint for the client (README "Checks"): typescript-eslint's type-aware
// recommended rules and the React hooks rules. `npm run lint` runs it.
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import { defineConfig, globalIgnores } from "eslint/config";
import globals from "globals";
import tseslint from "typescript-eslint";

export default defineConfig([
  globalIgnores(["dist/", "node_modules/"]),
  {
    files: ["**/*.{ts,tsx}"],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    plugins: { "react-hooks": reactHooks },
    languageOptions: {
      globals: globals.browser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // The two classic hooks rules only: the plugin's recommended set also carries the
      // React Compiler's rules (refs, set-state-in-effect, immutability), written for code
      // the compiler memoises; the client does not use the compiler, and keeps the latest
      // callback in a ref and loads data in effects on purpose.
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "error",
      // React ignores what an event handler returns; the async handlers catch their own
      // errors and show them, so an async `onClick`/`onSubmit` is not a misuse.
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { attributes: false } }],
    },
  },
  {
    files: ["**/*.js"],
    extends: [js.configs.recommended],
    languageOptions: { globals: globals.node },
  },
]);
