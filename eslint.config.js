import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["dist/", ".venv/"] },
  js.configs.recommended,
  {
    files: ["**/*.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: globals.browser },
    rules: {
      "no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      eqeqeq: "error",
      "prefer-const": "error",
      "no-var": "error",
      curly: ["error", "multi-line"],
    },
  },
  { files: ["web/js/worker.js"], languageOptions: { globals: globals.worker } },
  { files: ["web/sw.js"], languageOptions: { sourceType: "script", globals: globals.serviceworker } },
  { files: ["tests/js/**/*.js"], languageOptions: { globals: globals.node } },
  // Node, with functions that run in the page.
  { files: ["tests/firefox/**/*.mjs"], languageOptions: { globals: { ...globals.node, ...globals.browser } } },
];
