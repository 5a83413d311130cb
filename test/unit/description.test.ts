import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { INodeProperties } from 'n8n-workflow';

import { ViduApi } from '../../credentials/ViduApi.credentials';
import { MODELS } from '../../nodes/Vidu/request/models';
import { Vidu } from '../../nodes/Vidu/Vidu.node';
import { ViduTrigger } from '../../nodes/Vidu/ViduTrigger.node';
import { buildCreateBody } from '../../nodes/Vidu/request/body';

/** The request parameters listed on the Vidu Q1 image-to-video reference page. */
const API_PARAMETERS = [
	'model',
	'images',
	'prompt',
	'audio',
	'voice_id',
	'is_rec',
	'bgm',
	'duration',
	'seed',
	'resolution',
	'movement_amplitude',
	'payload',
	'off_peak',
	'watermark',
	'wm_position',
	'wm_url',
	'callback_url',
];

const flatten = (properties: INodeProperties[]): INodeProperties[] =>
	properties.flatMap((p) => [p, ...flatten((p.options ?? []).filter((o): o is INodeProperties => 'type' in o))]);

describe('node description', () => {
	const { description } = new Vidu();
	const all = flatten(description.properties);

	it('exposes every optional API parameter in Options: each option set reaches the API under its name', () => {
		const options = all.find((p) => p.name === 'options' && p.type === 'collection')!.options as INodeProperties[];
		const sample: Record<string, string | number | boolean> = { boolean: true, number: 7, string: 'https://example.com/x', options: 'set' };
		const values = Object.fromEntries(options.map((o) => [o.name, sample[o.type]]));
		const body = buildCreateBody({ model: 'viduq1_img2video', images: ['https://example.com/a.png'], prompt: 'p', options: values });
		const sent = Object.keys((body as { input: Array<{ params: object }> }).input[0].params);
		expect([...sent, 'model'].sort()).toEqual([...API_PARAMETERS].sort());
	});

	it('keeps Options alphabetical, as n8n does', () => {
		const options = all.find((p) => p.name === 'options')!;
		const names = (options.options as INodeProperties[]).map((o) => o.displayName);
		expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
	});

	it('offers every image-to-video model of the table, Vidu Q1 by default, and the three image sources', () => {
		const model = all.find((p) => p.name === 'model')!;
		expect(model.default).toBe('viduq1_img2video');
		expect((model.options as Array<{ value: string }>).map((o) => o.value).sort()).toEqual(
			[...MODELS.filter((m) => m.kind === 'img2video').map((m) => m.id), 'other'].sort(),
		);
		expect((all.find((p) => p.name === 'imageSource')?.options ?? []).map((o) => (o as { value: string }).value)).toEqual([
			'binary',
			'url',
			'base64',
		]);
	});

	it('is usable as a tool and uses the gateway credential unless API says Vidu Official API', () => {
		expect(description.usableAsTool).toBe(true);
		expect(description.credentials).toEqual([
			{ name: 'viduApi', required: true, testedBy: 'viduApiTest', displayOptions: { show: { authentication: ['gateway'] } } },
			{
				name: 'viduOfficialApi',
				required: true,
				testedBy: 'viduOfficialApiTest',
				displayOptions: { show: { authentication: ['official'] } },
			},
		]);
		// Saved workflows have no API parameter: they keep the gateway.
		expect(description.properties.find((p) => p.name === 'authentication')?.default).toBe('gateway');
	});
});

describe('credential', () => {
	const credential = new ViduApi();

	it('keeps the key secret and defaults the base URL', () => {
		expect(credential.properties.find((p) => p.name === 'apiKey')?.typeOptions?.password).toBe(true);
		expect(credential.properties.find((p) => p.name === 'baseUrl')?.default).toBe('https://cloud.vtrix.ai');
	});

	it('is tested by the node, since a declarative test cannot pass a valid key on every gateway', () => {
		expect('test' in credential).toBe(false);
		expect(new Vidu().methods.credentialTest.viduApiTest).toBeInstanceOf(Function);
	});
});

describe('example workflows', () => {
	const dir = join(__dirname, '..', '..', 'examples');
	const known: Record<string, Set<string>> = {
		'n8n-nodes-vidu.vidu': new Set(flatten(new Vidu().description.properties).map((p) => p.name)),
		'n8n-nodes-vidu.viduTrigger': new Set(flatten(new ViduTrigger().description.properties).map((p) => p.name)),
	};

	it.each(readdirSync(dir).filter((f) => f.endsWith('.json')))('%s only sets parameters the node has', (file) => {
		const workflow = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
			nodes: Array<{ type: string; parameters: Record<string, unknown> }>;
		};
		const viduNodes = workflow.nodes.filter((n) => n.type in known);
		expect(viduNodes.length).toBeGreaterThan(0);
		for (const node of viduNodes) {
			const unknown = Object.keys(node.parameters).filter((name) => !known[node.type].has(name));
			expect(unknown).toEqual([]);
		}
	});
});

describe('codex and icons', () => {
	const dir = join(__dirname, '..', '..', 'nodes', 'Vidu');
	const codex = JSON.parse(readFileSync(join(dir, 'Vidu.node.json'), 'utf8')) as {
		node: string;
		categories: string[];
		alias: string[];
		resources: { primaryDocumentation: Array<{ url: string }> };
	};

	it('puts the node under AI and Marketing, findable as video, image to video and animate', () => {
		expect(codex.node).toBe('n8n-nodes-vidu.vidu');
		expect(codex.categories).toEqual(expect.arrayContaining(['AI', 'Marketing']));
		expect(codex.alias).toEqual(expect.arrayContaining(['video', 'image to video', 'animate']));
		expect(codex.resources.primaryDocumentation[0].url).toMatch(/#readme$/);
	});

	it('ships light and dark SVG icons for the node and the credential', () => {
		const { icon } = new Vidu().description;
		expect(icon).toEqual({ light: 'file:vidu.svg', dark: 'file:vidu.dark.svg' });
		for (const file of ['vidu.svg', 'vidu.dark.svg']) {
			expect(readFileSync(join(dir, file), 'utf8')).toMatch(/^<svg[^>]+xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
			expect(readFileSync(join(__dirname, '..', '..', 'credentials', file), 'utf8')).toMatch(/^<svg/);
		}
	});

	it('shows the operation as the subtitle', () => {
		expect(new Vidu().description.subtitle).toMatch(/\$parameter\["operation"\]/);
	});
});
