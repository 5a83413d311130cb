/** @type {import('jest').Config} */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	// Real-n8n tests are slow and need a big install: they run with npm run test:e2e.
	testPathIgnorePatterns: ['/node_modules/', '/test/e2e/'],
	// Some tests move 15–50 MB images through n8n's binary helpers: allow for a busy CI machine.
	testTimeout: 30_000,
	setupFiles: ['<rootDir>/test/helpers/quietLogs.ts'],
	setupFilesAfterEnv: ['<rootDir>/test/helpers/cleanup.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
};
