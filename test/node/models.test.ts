import { MODELS } from '../../nodes/Vidu/request/models';
import { FAST_WAIT, sentParams, URL_IMAGE, useMock } from '../helpers/setup';

const { mock, run } = useMock();

describe('the image-to-video models', () => {
	it.each(MODELS.map((model) => [model.name, model.id]))('%s: Generate sends %s and outputs its video', async (_, id) => {
		const output = await run({ parameters: { model: id, ...URL_IMAGE, waitOptions: FAST_WAIT } });
		expect(mock().creates[0].body).toMatchObject({ model: id });
		expect(output[0].json).toMatchObject({ model: id, status: 'completed' });
		expect(output[0].json.videoUrl).toMatch(/^http/);
	});

	it('a Q1 workflow saved before the model family sends the same body as before', async () => {
		await run({
			typeVersion: 1.1,
			parameters: { operation: 'submit', ...URL_IMAGE, prompt: 'waves', audio: false, options: { duration: 5 } },
		});
		expect(mock().creates[0].body).toEqual({
			model: 'viduq1_img2video',
			input: [{ params: { images: ['https://example.com/a.png'], prompt: 'waves', duration: 5 } }],
		});
	});

	it.each([
		['viduq1_img2video', { duration: 8 }, /^Duration \(Seconds\): 8 is not offered by Vidu Q1, which makes 5 s at 1080p$/],
		['vidu20_img2video', { duration: 8, resolution: '1080p' }, /^Resolution at 8 s: "1080p" is not offered by Vidu 2\.0, .*8 s at 720p$/],
		[
			'viduq2_pro_fast_img2video',
			{ resolution: '540p' },
			/^Resolution at 5 s: "540p" is not offered by Vidu Q2 Pro Fast, which makes 1–10 s at 720p or 1080p$/,
		],
		['viduq2_turbo_img2video', { duration: 12 }, /^Duration \(Seconds\): 12 is not offered by Vidu Q2 Turbo/],
	])('%s with %j is refused before anything is sent, naming the model and its limit', async (model, options, message) => {
		const error = (await run({ parameters: { model, ...URL_IMAGE, options } }).catch((e: unknown) => e)) as Error;
		expect(error.message).toMatch(message);
		expect(mock().creates).toHaveLength(0);
	});

	it("a prompt is held to the model's own limit: 5,000 characters for Q3, 2,000 for Q2", async () => {
		await run({ parameters: { operation: 'submit', model: 'viduq3_pro_img2video', ...URL_IMAGE, prompt: 'x'.repeat(4000) } });
		expect(sentParams(mock()).prompt).toHaveLength(4000);
		const error = (await run({ parameters: { model: 'viduq2_pro_img2video', ...URL_IMAGE, prompt: 'x'.repeat(4000) } }).catch(
			(e: unknown) => e,
		)) as Error;
		expect(error.message).toBe("Prompt: 4,000 characters, over Vidu Q2 Pro's limit of 2,000");
	});

	it('Q3: audio left off is sent as off (the API turns it on otherwise); music and voice it ignores are not sent', async () => {
		await run({
			typeVersion: 1.1,
			parameters: {
				operation: 'submit',
				model: 'viduq3_turbo_img2video',
				...URL_IMAGE,
				audio: false,
				options: { bgm: true, duration: 16 },
			},
		});
		expect(sentParams(mock())).toEqual({ images: ['https://example.com/a.png'], audio: false, duration: 16 });
	});
});
