/// <reference lib="dom" />
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

import type { Browser, Page, Response } from 'playwright-core';

import { ViduMock } from '../../dev/mock/viduMock';
import { RealN8n, REPO } from '../../dev/n8n/realN8n';
import { openEditor } from '../helpers/editorPage';

/**
 * What a user meets in n8n's editor, in a real headless browser (Debian's Chromium, never a
 * downloaded one) on `n8n start` with the packed package and the mock as the API. One n8n and one
 * page shared by the cases, which run in order: find the node, add it, create its credential, run it.
 * Each case leaves a screenshot in .e2e-artifacts/editor/; with VIDU_UPDATE_SCREENSHOTS=1 the README's
 * pictures in docs/images/ are refreshed from them.
 */
const VERSION = '2.40.7';
const ARTIFACTS = join(REPO, '.e2e-artifacts', 'editor');
const MOCK_KEY = 'browser-key-0123456789abcdef';

/** Text of the element, or '' when it is not on the page. */
const textOf = async (page: Page, selector: string) => await page.$eval(selector, (e) => (e as HTMLElement).innerText).catch(() => '');

describe(`the node in n8n ${VERSION}'s editor, in Chromium`, () => {
	let mock: ViduMock;
	let n8n: RealN8n;
	let browser: Browser;
	let page: Page;
	let base: string;
	let workflowUrl: string;
	let cookie: string;

	const shot = async (name: string) => await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
	/** Runs a step; on failure leaves a screenshot named after it before failing. */
	const step = async (name: string, body: () => Promise<void>) => {
		try {
			await body();
			await shot(name);
		} catch (error) {
			await shot(`${name}-FAILED`).catch(() => undefined);
			throw error;
		}
	};
	/** Replaces a field's text in one input event (as a paste does), then leaves the field so the editor commits it. */
	const typeInto = async (selector: string, text: string) => {
		const field = page.locator(selector);
		await field.fill(text);
		await field.blur();
	};
	const credentialTestAnswer = async (save: () => Promise<void>) => {
		const answer = page.waitForResponse((r: Response) => r.url().endsWith('/rest/credentials/test'), { timeout: 30_000 });
		await save();
		return ((await (await answer).json()) as { data: { status: string; message: string } }).data;
	};

	/** A saved workflow holding one node with its defaults; its editor URL. */
	const workflowWith = async (node: { id: string; name: string; type: string; typeVersion?: number }) => {
		const created = await fetch(`${base}/rest/workflows`, {
			method: 'POST',
			headers: { cookie, 'content-type': 'application/json' },
			body: JSON.stringify({
				name: node.name,
				nodes: [{ typeVersion: 1, ...node, position: [0, 0], parameters: {} }],
				connections: {},
				settings: {},
				active: false,
			}),
		});
		return `${base}/workflow/${((await created.json()) as { data: { id: string } }).data.id}`;
	};

	beforeAll(async () => {
		mkdirSync(ARTIFACTS, { recursive: true });
		mock = await new ViduMock(MOCK_KEY).start();
		mock.setDefaultScript({ generationMs: 1500 });
		n8n = await RealN8n.start(VERSION);
		base = await n8n.startServer({ logFile: join(n8n.userFolder, 'n8n.log') });
		cookie = await n8n.signIn(base);
		({ browser, page } = await openEditor(base, cookie));
		workflowUrl = await workflowWith({ id: 'start', name: 'Start', type: 'n8n-nodes-base.manualTrigger' });
	}, 40 * 60_000);

	afterAll(async () => {
		await browser?.close();
		await n8n?.dispose();
		await mock?.stop();
	});

	/** Whether the open node panel lists Vidu, waited for until it does (or does not). */
	const viduListed = async (listed: boolean) =>
		await page.waitForFunction(
			(expected) =>
				Array.from(document.querySelectorAll('[data-test-id="node-creator-item-name"]')).some((e) => e.textContent?.trim() === 'Vidu') ===
				expected,
			listed,
		);
	/** Each query from an empty search, so that a list left over from the one before cannot pass for it. */
	const searchFinds = async (queries: string[]) => {
		for (const query of queries) {
			await typeInto('[data-test-id="node-creator-search-bar"]', '');
			await viduListed(false);
			await typeInto('[data-test-id="node-creator-search-bar"]', query);
			await viduListed(true);
		}
	};

	it('the first-step panel of a new workflow finds Vidu by "vidu" and by "video"', async () => {
		await step('0-first-step', async () => {
			await page.goto(`${base}/workflow/new`, { waitUntil: 'networkidle' });
			await page.click('[data-test-id="canvas-add-button"]');
			await page.waitForSelector('[data-test-id="node-creator-search-bar"]');
			await searchFinds(['vidu', 'video']);
		});
	});

	it('the node panel finds Vidu, with its icon, by "vidu", "video", "animate" and "image to video"', async () => {
		await step('1-search', async () => {
			// A workflow with only a manual trigger: the user's next step is "What happens next?".
			await page.goto(workflowUrl, { waitUntil: 'networkidle' });
			await page.click('[data-test-id="node-creator-plus-button"]');
			await page.waitForSelector('[data-test-id="node-creator-search-bar"]');
			await searchFinds(['vidu', 'video', 'animate', 'image to video']);
			await typeInto('[data-test-id="node-creator-search-bar"]', 'vidu');
			await viduListed(true);
			const icon = await page.$eval('[data-test-id="node-creator"] img[src*="vidu"]', (img) => (img as HTMLImageElement).src);
			const svg = await fetch(icon);
			expect(svg.status).toBe(200);
			expect(await svg.text()).toMatch(/^<svg/);
		});
	});

	it('adding it for "Generate a video from an image" shows that operation\'s fields', async () => {
		await step('2-fields', async () => {
			await page.locator('[data-test-id="node-creator-item-name"]', { hasText: /^Vidu$/ }).click();
			await page.getByText('Generate a video from an image').click();
			await page.waitForSelector('[data-test-id="ndv"]');
			for (const field of ['node-credentials-slot', 'parameter-input-imageSource', 'parameter-input-prompt', 'parameter-input-waitMode']) {
				await page.waitForSelector(`[data-test-id="${field}"]`);
			}
			expect(await page.$eval('[data-test-id="parameter-input-operation"] input', (e) => (e as HTMLInputElement).value)).toBe(
				'Generate From Image',
			);
		});
	});

	it('options are offered where they fit: by operation and by Wait Mode; Audio and Watermark show their fields when on', async () => {
		/** The labels a collection's "Add Option" offers, read from its open dropdown. */
		const offered = async (collection: 'Options' | 'Wait Options') => {
			const adds = page.locator('[data-test-id="collection-parameter-add"]');
			const owners = await adds.evaluateAll((els) =>
				els.map((e) => (e.closest('[data-test-id="parameter-item"]') as HTMLElement | null)?.innerText.split('\n')[0]),
			);
			expect(owners).toContain(collection);
			await adds.nth(owners.indexOf(collection)).click();
			const option = page.locator('[data-test-id="collection-parameter-option"]:visible');
			await option.first().waitFor();
			const labels = (await option.allInnerTexts()).map((label) => label.trim());
			await page.keyboard.press('Escape');
			await option.first().waitFor({ state: 'hidden' });
			return labels;
		};
		const choose = async (parameter: string, label: string) => {
			await page.click(`[data-test-id="parameter-input-${parameter}"]`);
			await page.locator('.el-select-dropdown__item:visible').getByText(label, { exact: true }).click();
			await page.waitForFunction(
				([selector, expected]) => (document.querySelector(selector) as HTMLInputElement | null)?.value === expected,
				[`[data-test-id="parameter-input-${parameter}"] input`, label],
			);
		};
		await step('2b-options-fit', async () => {
			// Generate From Image, Poll: no Off-Peak (its tasks outlast any wait). Audio and Watermark are
			// switches beside Prompt, not options.
			const generate = await offered('Options');
			expect(generate).toEqual(expect.arrayContaining(['Callback URL', 'Seed', 'Movement Amplitude']));
			for (const label of ['Off-Peak Mode', 'Audio', 'Voice ID', 'Watermark', 'Watermark Position', 'Watermark URL']) {
				expect(generate).not.toContain(label);
			}
			// Turning a switch on shows its fields at once, no "Add Option" needed.
			for (const [toggle, fields] of [
				['audio', ['voiceId']],
				['watermark', ['wmPosition', 'wmUrl']],
			] as const) {
				for (const field of fields) expect(await page.locator(`[data-test-id="parameter-input-${field}"]`).count()).toBe(0);
				await page.click(`[data-test-id="parameter-input-${toggle}"] .el-switch`);
				for (const field of fields) await page.waitForSelector(`[data-test-id="parameter-input-${field}"]`);
				await page.click(`[data-test-id="parameter-input-${toggle}"] .el-switch`);
				for (const field of fields) await page.waitForSelector(`[data-test-id="parameter-input-${field}"]`, { state: 'detached' });
			}
			expect(await offered('Wait Options')).toEqual(
				expect.arrayContaining(['Max Concurrent Tasks', 'Max Wait (Minutes)', 'Polling Interval (Seconds)', 'Request Timeout (Seconds)']),
			);
			// Callback: the resume URL is the callback, and nothing polls.
			await choose('waitMode', 'Callback (Pause Execution)');
			expect(await offered('Options')).not.toContain('Callback URL');
			const callbackWait = await offered('Wait Options');
			expect(callbackWait).toContain('Allow Local Resume URL');
			expect(callbackWait).not.toContain('Max Concurrent Tasks');
			expect(callbackWait).not.toContain('Polling Interval (Seconds)');
			await choose('waitMode', 'Poll');
			// Submit Only does not wait: Off-Peak is offered there.
			await choose('operation', 'Submit Only');
			expect(await offered('Options')).toContain('Off-Peak Mode');
			await choose('operation', 'Generate From Image');
		});
	});

	it("the credential's test fails in plain words with a wrong key and passes with the mock's key", async () => {
		await step('3-credential-wrong-key', async () => {
			// With no Vidu credential yet, n8n offers "Connect to Vidu" in the node's credential slot. The
			// dialog then asks n8n for a free name ("Vidu account"): saved before it arrives, the credential
			// has no name and n8n refuses it, as a user clicking that fast would see too.
			const named = page.waitForResponse((r: Response) => r.url().includes('/rest/credentials/new'), { timeout: 30_000 });
			await page.locator('[data-test-id="node-credentials-slot"]').getByText('Connect to Vidu').click();
			await page.waitForSelector('[data-test-id="editCredential-modal"]');
			await named;
			await typeInto('[data-test-id="parameter-input-apiKey"] input', 'wrong-key');
			await typeInto('[data-test-id="parameter-input-baseUrl"] input', mock.url);
			const wrong = await credentialTestAnswer(async () => await page.click('[data-test-id="credential-save-button"]'));
			expect(wrong).toEqual({ status: 'Error', message: expect.stringMatching(/API key was rejected \(HTTP 401\)/) });
			// n8n shows "Couldn't connect with these settings"; "More details" reveals the node's message.
			await page.locator('[data-test-id="editCredential-modal"]').getByText('More details').click();
			await page.waitForFunction(() =>
				/API key was rejected/.test((document.querySelector('[data-test-id="editCredential-modal"]') as HTMLElement)?.innerText ?? ''),
			);
		});
		await step('4-credential-ok', async () => {
			await typeInto('[data-test-id="parameter-input-apiKey"] input', MOCK_KEY);
			const right = await credentialTestAnswer(async () => await page.click('[data-test-id="credential-save-button"]'));
			expect(right).toEqual({ status: 'OK', message: expect.stringMatching(/accepted the key/) });
			// n8n closes the dialog once a saved credential tests green.
			await page.waitForSelector('[data-test-id="editCredential-modal"]', { state: 'hidden' });
		});
	});

	it('Execute step with an image URL outputs the video URL', async () => {
		await step('5-output', async () => {
			await page.click('[data-test-id="parameter-input-imageSource"]');
			await page.locator('.el-select-dropdown__item:visible').getByText('URL', { exact: true }).click();
			await page.waitForSelector('[data-test-id="parameter-input-imageUrl"]');
			await typeInto('[data-test-id="parameter-input-imageUrl"] :is(input, textarea)', `${mock.url}/images/sneaker.png`);
			await page.click('[data-test-id="node-execute-button"]');
			await page.waitForFunction(
				() => /\/cdn\/task_\d+\.mp4/.test((document.querySelector('[data-test-id="output-panel"]') as HTMLElement)?.innerText ?? ''),
				undefined,
				{ timeout: 60_000 },
			);
			expect(await textOf(page, '[data-test-id="output-panel"]')).toMatch(/videoUrl[\s\S]*completed|completed[\s\S]*videoUrl/);
			expect(mock.creates).toHaveLength(1);
			expect(JSON.stringify(mock.creates[0].body)).toContain(`${mock.url}/images/sneaker.png`);
		});
		if (process.env.VIDU_UPDATE_SCREENSHOTS === '1') {
			const images = join(REPO, 'docs', 'images');
			mkdirSync(images, { recursive: true });
			copyFileSync(join(ARTIFACTS, '1-search.png'), join(images, 'node-panel-search.png'));
			copyFileSync(join(ARTIFACTS, '5-output.png'), join(images, 'generate-output.png'));
		}
	});

	it("as an AI agent's tool (Vidu Tool), it offers no Wait Mode and no Download Video: a tool call answers with text; its image comes from a URL", async () => {
		await step('6-tool', async () => {
			const toolWorkflow = await workflowWith({ id: 'tool', name: 'Vidu Tool', type: 'n8n-nodes-vidu.viduTool', typeVersion: 1.1 });
			// n8n opens a node's panel from its URL.
			await page.goto(`${toolWorkflow}/tool`, { waitUntil: 'networkidle' });
			await page.waitForSelector('[data-test-id="ndv"] [data-test-id="parameter-input-prompt"]');
			expect(await page.$('[data-test-id="ndv"] [data-test-id="parameter-input-waitMode"]')).toBeNull();
			expect(await page.$('[data-test-id="ndv"] [data-test-id="parameter-input-downloadVideo"]')).toBeNull();
			expect(await page.$('[data-test-id="ndv"] [data-test-id="parameter-input-imageSource"]')).not.toBeNull();
			expect(await page.$('[data-test-id="ndv"] [data-test-id="parameter-input-imageUrl"]')).not.toBeNull();
			expect(await page.$('[data-test-id="ndv"] [data-test-id="parameter-input-binaryPropertyName"]')).toBeNull();
		});
	});
});
