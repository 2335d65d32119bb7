/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/examples/custom-pack/test'],
  // the example pack imports opslint as its users do; here that is this repository's source
  moduleNameMapper: {
    '^opslint$': '<rootDir>/lib/index.ts',
    '^opslint/rule$': '<rootDir>/lib/rule.ts',
    '^opslint/testing$': '<rootDir>/lib/testing/index.ts',
    '^opslint/cdk$': '<rootDir>/lib/cdk/index.ts',
    '^opslint/cdk-nag$': '<rootDir>/lib/cdk/nag.ts',
  },
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  // the packed-package test builds and installs a tarball: give it room
  testTimeout: 30000,
};
