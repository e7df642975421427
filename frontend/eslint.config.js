import js from '@eslint/js'
import globals from 'globals'
import reactHooks from 'eslint-plugin-react-hooks'
import reactRefresh from 'eslint-plugin-react-refresh'
import tseslint from 'typescript-eslint'
import { defineConfig, globalIgnores } from 'eslint/config'

export default defineConfig([
  globalIgnores(['dist', 'test-results', 'playwright-report']),
  {
    files: ['**/*.{ts,tsx}'],
    extends: [js.configs.recommended, tseslint.configs.recommended, reactHooks.configs.flat.recommended, reactRefresh.configs.vite],
    languageOptions: { ecmaVersion: 2022, globals: globals.browser },
  },
  {
    // bulletproof-react: shared code never imports a feature
    files: ['src/components/**', 'src/lib/**', 'src/api/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/features/**', '**/App', '**/app/**'], message: 'Shared code must not import a feature or the app.' }] }] },
  },
  {
    // a feature uses another feature only through the app layer, and its own files directly
    files: ['src/features/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/features/**', '**/app/**', ...['compare', 'denoise', 'input', 'latent', 'models', 'status'].flatMap((f) => [`../${f}`, `../${f}/**`])], message: 'Features do not import each other or the app layer; compose them in App.tsx.' }] }],
    },
  },
  {
    files: ['e2e/**', '*.config.ts', 'scripts/**'],
    languageOptions: { globals: globals.node },
    rules: { 'react-hooks/rules-of-hooks': 'off' }, // Playwright fixtures call `use`, not a React hook
  },
])
