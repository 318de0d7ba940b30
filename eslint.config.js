// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

/**
 * One lint for the whole tree: type-aware typescript-eslint on the root project (tsconfig.json) and on the
 * PCF control (pcf/tsconfig.test.json, through the project service), React hook rules on the control.
 */
export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      'dist/**',
      'out/**',
      'test-artifacts/**',
      'coverage/**',
      'pcf/out/**',
      'pcf/obj/**',
      'pcf/PartnerCenterSection/generated/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: [
            '*.js',
            'scripts/*.mjs',
            'test/support/*.cjs',
            'pcf/*.cjs',
            'pcf/harness/*.cjs',
            'pcf/harness/*.js',
            'pcf/browser/*.cjs',
          ],
        },
        tsconfigRootDir: import.meta.dirname,
      },
      globals: { ...globals.node },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['pcf/harness/**/*.js'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // Tests read JSON from emulators, HTTP bodies and parsed files whose shape is the thing under test, so values
    // typed `any` are the norm there; production code keeps the whole no-unsafe family.
    files: ['test/**/*.ts', 'pcf/test/**/*.ts', 'pcf/test/**/*.tsx', 'pcf/browser/**'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['pcf/**/*.ts', 'pcf/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
    languageOptions: { globals: { ...globals.browser } },
  },
);
