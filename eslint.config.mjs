import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: {
      globals: {
        console: 'readonly',
        process: 'readonly',
        require: 'readonly',
        module: 'readonly',
        __dirname: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        URL: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-empty-function': 'off',
    },
  },
  {
    // The built-in steps use the public step toolkit only, as a step written outside the package would.
    files: ['middleware/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '../lib/*',
                '!../lib/toolkit',
                '!../lib/types',
                '!../lib/cache',
                '../lib/cache/*',
                '!../lib/cache/step',
              ],
              message:
                'middleware/ imports the core only through lib/toolkit.ts (the public step toolkit) and lib/types.ts.',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  {
    // The cache is a module like any other: it uses the core through the public toolkit only.
    files: ['lib/cache/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../*', '!../toolkit', '!../types'],
              message: 'lib/cache/ imports the core only through lib/toolkit.ts and lib/types.ts.',
            },
          ],
        },
      ],
    },
  },
  {
    // ...and the core knows nothing of it: only the package entry (lib/index.ts) loads it.
    files: ['lib/*.ts'],
    ignores: ['lib/index.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [{ group: ['./cache', './cache/*'], message: 'The core imports nothing from lib/cache/.' }],
        },
      ],
    },
  },
);
