/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // Type errors are `npm run typecheck`'s job; ts-jest transpiles each file alone (tsconfig's isolatedModules).
    '^.+\\.ts$': ['ts-jest', {}],
  },
  testTimeout: 20000,
};
