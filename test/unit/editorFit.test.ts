import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { INode, INodeParameters, INodeProperties, INodeTypeDescription } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { Vidu } from '../../nodes/Vidu/Vidu.node';

/** Issue 13: what the editor offers fits what the node does, judged by n8n's own display rules. */
const description = new Vidu().description;
const toolDescription: INodeTypeDescription = { ...description, name: 'viduTool' };

const top = (name: string, operation: string): INodeProperties =>
	description.properties.find((p) => p.name === name && (p.displayOptions?.show?.operation as string[] | undefined)?.includes(operation))!;
const optionOf = (collection: string, name: string, operation = 'generate'): INodeProperties =>
	(top(collection, operation).options as INodeProperties[]).find((option) => option.name === name)!;

/** Whether n8n shows `property` inside the collection, given the node's root parameters. */
const shownInCollection = (property: INodeProperties, root: INodeParameters, type = description) =>
	NodeHelpers.displayParameter({}, property, null, type, root);
const shownAtTop = (property: INodeProperties, root: INodeParameters, type = description) =>
	NodeHelpers.displayParameter(root, property, null, type, root);

const generate = (waitMode: string) => ({ resource: 'video', operation: 'generate', model: 'viduq1_img2video', waitMode });
const submit = { resource: 'video', operation: 'submit', model: 'viduq1_img2video' };

describe('options offered only where they fit', () => {
	it('Callback URL is not offered in Wait Mode Callback, but is in Poll and in Submit Only', () => {
		expect(shownInCollection(optionOf('options', 'callbackUrl'), generate('callback'))).toBe(false);
		expect(shownInCollection(optionOf('options', 'callbackUrl'), generate('poll'))).toBe(true);
		expect(shownInCollection(optionOf('options', 'callbackUrl', 'submit'), submit)).toBe(true);
	});

	it('Max Concurrent Tasks and Polling Interval are not offered in Callback mode', () => {
		for (const name of ['maxConcurrent', 'pollIntervalSeconds']) {
			expect(shownInCollection(optionOf('waitOptions', name), generate('callback'))).toBe(false);
			expect(shownInCollection(optionOf('waitOptions', name), generate('poll'))).toBe(true);
		}
		expect(shownInCollection(optionOf('waitOptions', 'maxWaitMinutes'), generate('callback'))).toBe(true);
	});

	it('Off-Peak Mode is offered in Submit Only, not in Generate From Image', () => {
		expect(shownInCollection(optionOf('options', 'offPeak'), generate('poll'))).toBe(false);
		expect(shownInCollection(optionOf('options', 'offPeak', 'submit'), submit)).toBe(true);
	});

	it('the AI-tool variant offers no Wait Mode (a tool call cannot pause the execution)', () => {
		const waitMode = top('waitMode', 'generate');
		expect(shownAtTop(waitMode, generate('poll'), toolDescription)).toBe(false);
		expect(shownAtTop(waitMode, generate('poll'))).toBe(true);
	});

	it('the AI-tool variant offers no Download Video (its answer to the model is text), in Generate and in Get Task', () => {
		for (const operation of ['generate', 'getTask']) {
			const download = top('downloadVideo', operation);
			const root = { resource: 'video', operation, downloadVideo: false };
			expect(shownAtTop(download, root, toolDescription)).toBe(false);
			expect(shownAtTop(download, root)).toBe(true);
		}
	});

	describe('Audio and Watermark show their fields once turned on', () => {
		const atVersion = (typeVersion: number) => ({ typeVersion }) as INode;
		const shown = (name: string, typeVersion: number, root: INodeParameters) =>
			description.properties
				.filter((p) => p.name === name)
				.some((p) => NodeHelpers.displayParameter(root, p, atVersion(typeVersion), description, root));
		const collectionOf = (typeVersion: number, root: INodeParameters) =>
			description.properties.find(
				(p) => p.name === 'options' && NodeHelpers.displayParameter(root, p, atVersion(typeVersion), description, root),
			)!;

		it('version 1.1: beside Prompt, each dependent field shown as its switch turns on, none left under Options', () => {
			for (const operation of ['generate', 'submit']) {
				const root = { resource: 'video', operation, model: 'viduq1_img2video', waitMode: 'poll', audio: false, watermark: false };
				expect(['audio', 'voiceId', 'watermark', 'wmPosition', 'wmUrl'].map((name) => shown(name, 1.1, root))).toEqual([
					true,
					false,
					true,
					false,
					false,
				]);
				expect(['voiceId', 'wmPosition', 'wmUrl'].map((name) => shown(name, 1.1, { ...root, audio: true, watermark: true }))).toEqual([
					true,
					true,
					true,
				]);
				const names = (collectionOf(1.1, root).options as INodeProperties[]).map((option) => option.name);
				expect(names).not.toEqual(expect.arrayContaining(['audio']));
				expect(names.filter((name) => ['audio', 'voiceId', 'watermark', 'wmPosition', 'wmUrl'].includes(name))).toEqual([]);
				expect(names).toEqual(expect.arrayContaining(['seed', 'payload', 'movementAmplitude']));
			}
		});

		it('version 1 (saved workflows) keeps them under Options, offered at once', () => {
			const root = { resource: 'video', operation: 'generate', model: 'viduq1_img2video', waitMode: 'poll' };
			expect(shown('audio', 1, root)).toBe(false);
			const options = collectionOf(1, root).options as INodeProperties[];
			for (const name of ['audio', 'voiceId', 'watermark', 'wmPosition', 'wmUrl']) {
				const option = options.find((o) => o.name === name)!;
				expect(NodeHelpers.displayParameter(root, option, atVersion(1), description, root)).toBe(true);
			}
		});

		it('a field a model ignores is not offered with it (Vidu Q3: no Voice ID, no Background Music)', () => {
			const root = { resource: 'video', operation: 'generate', waitMode: 'poll', audio: true };
			const options = (model: string) =>
				(collectionOf(1, { ...root, model }).options as INodeProperties[])
					.filter((option) => NodeHelpers.displayParameter({ ...root, model }, option, atVersion(1), description, { ...root, model }))
					.map((option) => option.name);
			expect(options('viduq1_img2video')).toEqual(expect.arrayContaining(['voiceId', 'bgm']));
			expect(options('viduq3_pro_img2video')).not.toEqual(expect.arrayContaining(['voiceId']));
			expect(options('viduq3_pro_img2video')).not.toEqual(expect.arrayContaining(['bgm']));
			expect(shown('voiceId', 1.1, { ...root, model: 'viduq3_pro_img2video' })).toBe(false);
			expect(shown('voiceId', 1.1, { ...root, model: 'viduq1_img2video' })).toBe(true);
		});
	});

	it('tooltips speak the user’s language, not the API’s field names', () => {
		const texts = JSON.stringify(description.properties);
		expect(texts).not.toMatch(/\(API: /);
		expect(texts).not.toMatch(/Read Binary File/);
	});
});

describe('what an AI agent’s model reads about the tool', () => {
	const toolNode = (operation: string): INode => ({
		id: 't',
		name: 'Vidu',
		type: 'n8n-nodes-vidu.viduTool',
		typeVersion: 1.1,
		position: [0, 0],
		parameters: { resource: 'video', operation },
	});
	/** As n8n does when it runs the tool: parameters with their defaults, then the description the model is given. */
	const offered = (operation: string, type = toolDescription) => {
		const node = toolNode(operation);
		node.parameters = NodeHelpers.getNodeParameters(type.properties, node.parameters, true, false, node, type)!;
		return NodeHelpers.getToolDescriptionForNode(node, { description: type } as never);
	};

	it('says, for each operation, what to give and what comes back', () => {
		const says = {
			generate: ['image', 'URL', 'prompt', 'returns videoUrl', 'taskId', 'costUsd'],
			submit: ['image', 'URL', 'prompt', 'returns', 'taskId'],
			getTask: ['by its taskId', 'Returns status', 'videoUrl', 'costUsd'],
		};
		for (const [operation, words] of Object.entries(says))
			for (const word of words) expect({ operation, says: offered(operation) }).toEqual({ operation, says: expect.stringContaining(word) });
	});

	it('is a field of the tool variant only', () => {
		const field = top('toolDescription', 'generate');
		expect(shownAtTop(field, generate('poll'), toolDescription)).toBe(true);
		expect(shownAtTop(field, generate('poll'))).toBe(false);
	});
});

describe('found by search in the node panel', () => {
	it('declares the AI subcategories n8n’s own AI action nodes declare, so search does not hide it', () => {
		const codex = JSON.parse(readFileSync(join(__dirname, '../../nodes/Vidu/Vidu.node.json'), 'utf8')) as {
			categories: string[];
			subcategories?: Record<string, string[]>;
		};
		expect(codex.categories).toContain('AI');
		expect(codex.subcategories?.AI).toEqual(['Agents', 'Miscellaneous', 'Root Nodes']);
	});
});
