import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { MODELS } from '../../nodes/Vidu/request/models';

const ROOT = join(__dirname, '..', '..');

/** Every .ts file under the folders whose comments cite the contract document. */
function sources(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) return sources(path);
		return path.endsWith('.ts') ? [path] : [];
	});
}

/** GitHub's anchor for a heading: lower case, spaces to dashes, punctuation dropped. */
const anchorOf = (heading: string) =>
	heading
		.trim()
		.toLowerCase()
		.replace(/[^a-z0-9 -]/g, '')
		.replace(/ /g, '-');

it('every section of docs/api-contract.md cited in the code exists', () => {
	const headings = readFileSync(join(ROOT, 'docs', 'api-contract.md'), 'utf8')
		.split('\n')
		.filter((line) => line.startsWith('## '))
		.map((line) => anchorOf(line.slice(3)));
	const cited = ['nodes', 'credentials', 'dev', 'test'].flatMap((dir) =>
		sources(join(ROOT, dir)).flatMap((file) =>
			[...readFileSync(file, 'utf8').matchAll(/api-contract\.md#([a-z0-9-]+)/g)].map((match) => ({ file, section: match[1] })),
		),
	);
	expect(cited.length).toBeGreaterThan(5);
	expect(cited.filter(({ section }) => !headings.includes(section))).toEqual([]);
});

it('every model of the table is cited in docs/api-contract.md#models with a source', () => {
	const doc = readFileSync(join(ROOT, 'docs', 'api-contract.md'), 'utf8');
	const models = doc.slice(doc.indexOf('## Models'), doc.indexOf('## Task answers'));
	const rows = models.split('\n').filter((line) => line.startsWith('| `'));
	const cited = rows.filter((row) => /(https?:\/\/|CLI)/.test(row.split('|').slice(-2)[0])).map((row) => row.split('`')[1]);
	expect(MODELS.map((model) => model.id).filter((id) => !cited.includes(id))).toEqual([]);
});
