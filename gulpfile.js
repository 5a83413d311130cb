// Copies the icons and the codex file (Vidu.node.json) next to the compiled JavaScript, where n8n looks for them.
const { src, dest, task } = require('gulp');

task('build:assets', () =>
	src(['nodes/**/*.{png,svg,json}', 'credentials/**/*.{png,svg}'], { base: '.', encoding: false }).pipe(dest('dist')),
);
