import { FAST_WAIT, sentParams, URL_IMAGE, useMock } from '../helpers/setup';

const { mock, run } = useMock();

describe('request parameters', () => {
	it('sends every API parameter under its API name with the API type', async () => {
		await run({
			parameters: {
				operation: 'submit',
				...URL_IMAGE,
				prompt: 'waves roll in',
				options: {
					audio: true,
					voiceId: 'host_female',
					isRec: true,
					bgm: true,
					duration: 5,
					seed: 42,
					resolution: '1080p',
					movementAmplitude: 'large',
					payload: '{"order":7}',
					offPeak: true,
					watermark: true,
					wmPosition: 1,
					wmUrl: 'https://example.com/logo.png',
					callbackUrl: 'https://example.com/hook',
				},
			},
		});
		expect(mock().creates[0].body).toEqual({
			model: 'viduq1_img2video',
			input: [
				{
					params: {
						images: ['https://example.com/a.png'],
						prompt: 'waves roll in',
						audio: true,
						voice_id: 'host_female',
						is_rec: true,
						bgm: true,
						duration: 5,
						seed: 42,
						resolution: '1080p',
						movement_amplitude: 'large',
						payload: '{"order":7}',
						off_peak: true,
						watermark: true,
						wm_position: 1,
						wm_url: 'https://example.com/logo.png',
						callback_url: 'https://example.com/hook',
					},
				},
			],
		});
	});

	describe('node version 1.1: Audio and Watermark beside Prompt', () => {
		it('sends each switch that is on with the fields it shows, and the Position default it shows', async () => {
			await run({
				typeVersion: 1.1,
				parameters: { operation: 'submit', ...URL_IMAGE, audio: true, voiceId: 'host_female', watermark: true, options: { seed: 7 } },
			});
			expect(sentParams(mock())).toEqual({
				images: ['https://example.com/a.png'],
				audio: true,
				voice_id: 'host_female',
				watermark: true,
				wm_position: 3,
				seed: 7,
			});
		});

		it('sends nothing of a switch left off, even with its fields filled in before', async () => {
			await run({
				typeVersion: 1.1,
				parameters: { operation: 'submit', ...URL_IMAGE, audio: false, voiceId: 'host_female', wmUrl: 'https://example.com/logo.png' },
			});
			expect(sentParams(mock())).toEqual({ images: ['https://example.com/a.png'] });
		});

		it('checks a switch set by an expression like any option, before paying', async () => {
			const [item] = await run({
				typeVersion: 1.1,
				continueOnFail: true,
				parameters: { operation: 'submit', ...URL_IMAGE, audio: '={{ "loud" }}' },
			});
			expect(item.json.error).toMatch(/Audio/);
			expect(mock().creates).toHaveLength(0);
		});
	});

	it('sends only the image when nothing else is set', async () => {
		await run({ parameters: { operation: 'submit', ...URL_IMAGE } });
		expect(sentParams(mock())).toEqual({ images: ['https://example.com/a.png'] });
	});

	it('sends a prompt of exactly 2000 characters, emoji among them, as written', async () => {
		const prompt = '🎬'.repeat(1000) + 'x'.repeat(1000);
		await run({ parameters: { operation: 'submit', ...URL_IMAGE, prompt } });
		expect(sentParams(mock()).prompt).toBe(prompt);
	});

	it('never sends empty text fields, even when added to Options', async () => {
		await run({
			parameters: {
				operation: 'submit',
				...URL_IMAGE,
				prompt: '   ',
				options: { audio: true, voiceId: '', payload: '', callbackUrl: '', watermark: true, wmUrl: '' },
			},
		});
		expect(sentParams(mock())).toEqual({ images: ['https://example.com/a.png'], audio: true, watermark: true });
	});

	it('sends false booleans and a zero seed the user chose explicitly', async () => {
		await run({
			parameters: { operation: 'submit', ...URL_IMAGE, options: { audio: false, bgm: false, seed: 0, watermark: false } },
		});
		expect(sentParams(mock())).toEqual({
			images: ['https://example.com/a.png'],
			audio: false,
			bgm: false,
			seed: 0,
			watermark: false,
		});
	});

	it('leaves out the voice without audio and the watermark fields without a watermark', async () => {
		await run({
			parameters: {
				operation: 'submit',
				...URL_IMAGE,
				options: { voiceId: 'host', wmPosition: 2, wmUrl: 'https://example.com/l.png' },
			},
		});
		expect(sentParams(mock())).toEqual({ images: ['https://example.com/a.png'] });
	});

	it('resolves expressions per item', async () => {
		await run({
			parameters: { operation: 'generate', ...URL_IMAGE, prompt: '={{ "shot " + $json.n }}', waitOptions: FAST_WAIT },
			items: [{ json: { n: 1 } }, { json: { n: 2 } }],
		});
		expect([sentParams(mock(), 0).prompt, sentParams(mock(), 1).prompt]).toEqual(['shot 1', 'shot 2']);
	});
});
