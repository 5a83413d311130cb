// Mutation testing of the waiting and error code (not in CI: about an hour on 2 cores). `npm run mutate`.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
	testRunner: 'jest',
	jest: { configFile: 'jest.config.js' },
	coverageAnalysis: 'perTest',
	mutate: [
		'nodes/Vidu/poll/**/*.ts',
		'nodes/Vidu/callback/**/*.ts',
		'nodes/Vidu/helpers/retry.ts',
		'nodes/Vidu/helpers/paidTasks.ts',
		'nodes/Vidu/errors/**/*.ts',
	],
	concurrency: 2,
	timeoutMS: 60_000,
	reporters: ['clear-text', 'progress', 'json'],
	jsonReporter: { fileName: '.stryker/report.json' },
	tempDirName: '.stryker/tmp',
	incremental: false,
	ignorePatterns: ['dist', '.bench', '.e2e-artifacts', '.scratch', 'coverage', 'examples', 'docs'],
};
