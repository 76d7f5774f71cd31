// Type-aware linting: the rules that matter most here (no `any`, no floating promises) need types.
import tseslint from 'typescript-eslint'
import prettier from 'eslint-config-prettier'

export default tseslint.config(
  // .ab-baseline*: older gateway builds unpacked for test/bench/ab-gateway.ts, never committed.
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'charts/**',
      'examples/**',
      'docs/**',
      '.ab-baseline*/**',
    ],
  },
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // client-node's models are behaviour-less classes; object literals are their documented use.
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
    },
  },
  {
    // errors/catalogue.ts names every error the gateway answers with (docs/error-codes.md).
    files: ['gateway/src/**/*.ts'],
    ignores: [
      'gateway/src/errors/catalogue.ts',
      'gateway/src/errors/gateway-error.ts',
      '**/*.test.ts',
    ],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='GatewayError']",
          message:
            'Name the error in gateway/src/errors/catalogue.ts and build it with gatewayError().',
        },
      ],
    },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  prettier,
)
