// ESLint (flat config): typescript-eslint's type-aware recommended rules; Prettier owns formatting.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', 'coverage/', 'test-output/', '.shelfwatch/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      eqeqeq: ['error', 'always'],
      // node:test's describe/it return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] },
          ],
        },
      ],
    },
  },
  {
    // Lambda code and the domain log through Powertools Logger, never the console.
    files: ['functions/**', 'shared/**'],
    rules: { 'no-console': 'error' },
  },
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
  {
    // The monitor page: plain ES modules run by the browser (the `globals` package is not a dependency).
    files: ['web/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: Object.fromEntries(
        [
          'CSS',
          'URL',
          'URLSearchParams',
          'document',
          'fetch',
          'location',
          'sessionStorage',
          'setInterval',
          'HTMLElement',
          'HTMLInputElement',
          'HTMLSelectElement',
          'HTMLTableRowElement',
          'SVGSVGElement',
          'window',
        ].map((name) => [name, 'readonly']),
      ),
    },
  },
  prettier,
);
