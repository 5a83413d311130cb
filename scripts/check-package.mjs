#!/usr/bin/env node
// What n8n's community-package scanner checks, run on the packed tarball before publishing:
// the same ESLint analysis (@n8n/scan-community-package's analyzePackage) on the source and on
// the shipped dist, plus the contents of the tarball itself. Run after `npm run build`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { analyzePackage, SOURCE_FILE_PATTERNS } from '@n8n/scan-community-package/scanner/scanner.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const problems = [];
const check = (ok, message) => {
	if (!ok) problems.push(message);
	console.log(`${ok ? 'ok  ' : 'FAIL'} ${message}`);
};

const work = mkdtempSync(join(tmpdir(), 'vidu-pack-'));
const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: repo, encoding: 'utf8' })
	.trim()
	.split('\n')
	.pop();
execFileSync('tar', ['xzf', join(work, tarball), '-C', work]);
const pkgDir = join(work, 'package');
const files = [];
const walk = (dir) => {
	for (const name of readdirSync(dir)) {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) walk(path);
		else files.push(relative(pkgDir, path));
	}
};
walk(pkgDir);
console.log(`packed ${tarball}: ${files.length} files`);

const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
check(pkg.name.startsWith('n8n-nodes-'), `package name ${pkg.name} starts with n8n-nodes-`);
check(pkg.keywords?.includes('n8n-community-node-package'), 'keyword n8n-community-node-package');
check(!pkg.dependencies || Object.keys(pkg.dependencies).length === 0, 'no runtime dependencies');
check(JSON.stringify(pkg.peerDependencies) === JSON.stringify({ 'n8n-workflow': '*' }), 'peer dependency n8n-workflow: *');
check(pkg.license === 'MIT' && Boolean(pkg.author?.email), 'MIT licence and author email');
check(
	files.some((f) => /^licen[cs]e(\.md|\.txt)?$/i.test(f)),
	'the licence text ships in the tarball',
);

for (const entry of [...(pkg.n8n?.nodes ?? []), ...(pkg.n8n?.credentials ?? [])]) {
	check(files.includes(entry), `n8n block file ${entry} is in the tarball`);
	const code = readFileSync(join(pkgDir, entry), 'utf8');
	for (const [, icon] of code.matchAll(/['"]file:([^'"]+)['"]/g)) {
		check(files.includes(join(dirname(entry), icon)), `icon ${icon} ships next to ${entry}`);
	}
	if (entry.endsWith('.node.js')) {
		const codex = entry.replace(/\.js$/, '.json');
		check(files.includes(codex), `codex ${codex} ships next to the node`);
	}
}

check(!files.some((f) => f.endsWith('.map')), 'no source maps');
check(!files.some((f) => /(^|\/)test\//.test(f) || /\.test\.|\.spec\./.test(f)), 'no tests');
check(!files.some((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')), 'no TypeScript sources');
const secretPattern = /Bearer\s+[A-Za-z0-9._-]{20,}|(test|e2e)-key-[0-9a-f]{6,}|sk-[A-Za-z0-9]{20,}/;
const leaking = files.filter((f) => secretPattern.test(readFileSync(join(pkgDir, f), 'latin1')));
check(leaking.length === 0, `no tokens or test keys in shipped files${leaking.length ? `: ${leaking.join(', ')}` : ''}`);

for (const [label, dir, patterns] of [
	['source (nodes/, credentials/, package.json)', repo, SOURCE_FILE_PATTERNS],
	['shipped dist', pkgDir, ['**/*.js', 'package.json']],
]) {
	const result = await analyzePackage(dir, patterns);
	check(result.passed, `n8n community scanner lint on the ${label}${result.passed ? '' : `: ${result.message}`}`);
	if (result.details) console.log(result.details);
}

rmSync(work, { recursive: true, force: true });
if (problems.length) {
	console.error(`\n${problems.length} problem(s): the package would not pass n8n's checks.`);
	process.exit(1);
}
console.log('\nThe package passes the checks n8n applies to community packages.');
