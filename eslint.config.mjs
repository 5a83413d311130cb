// The shipped code (nodes/, credentials/, package.json) is linted exactly as @n8n/node-cli does
// for community packages. Tests and tools are not shipped and legitimately use Node's own
// modules and timers, so they get plain typescript-eslint instead of the community rules.
import { config as n8nCommunityConfig } from '@n8n/node-cli/eslint';
import tseslint from 'typescript-eslint';

const notShipped = ['test/**', 'scripts/**', 'dev/**'];

const isGlobalIgnore = (block) => Object.keys(block).every((key) => key === 'ignores' || key === 'name');

export default [
	{ ignores: ['coverage/**', '.stryker/**', 'stryker.config.mjs', '.bench/**', 'jest.config.js', 'gulpfile.js'] },
	...n8nCommunityConfig.map((block) => (isGlobalIgnore(block) ? block : { ...block, ignores: [...(block.ignores ?? []), ...notShipped] })),
	...tseslint.config({ files: notShipped.map((glob) => `${glob.slice(0, -3)}/**/*.ts`), extends: [tseslint.configs.recommended] }),
];
