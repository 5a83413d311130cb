import { buildCreateBody } from '../../nodes/Vidu/request/body';
import { characterCount, checkBodySize } from '../../nodes/Vidu/request/checks';

const image = 'data:image/png;base64,AAAA';

describe('buildCreateBody', () => {
	it('wraps parameters as {model, input: [{params}]}', () => {
		expect(buildCreateBody({ model: 'viduq1_img2video', images: [image], prompt: 'hi', options: { seed: 3 } })).toEqual({
			model: 'viduq1_img2video',
			input: [{ params: { images: [image], prompt: 'hi', seed: 3 } }],
		});
	});

	it('drops undefined, null and blank values but keeps false and 0', () => {
		const body = buildCreateBody({
			model: 'viduq1_img2video',
			images: [image],
			prompt: '',
			options: { payload: ' ', callbackUrl: undefined, seed: 0, bgm: false, wmUrl: null as unknown as string },
		});
		expect(body.input).toEqual([{ params: { images: [image], seed: 0, bgm: false } }]);
	});

	it('keeps a prompt with surrounding spaces exactly as typed', () => {
		const body = buildCreateBody({ model: 'viduq1_img2video', images: [image], prompt: '  slow zoom ', options: {} });
		expect(body.input).toEqual([{ params: { images: [image], prompt: '  slow zoom ' } }]);
	});
});

describe('checkBodySize', () => {
	it('takes a body of exactly 20 MB and refuses one byte more, naming the largest image that fits', () => {
		expect(checkBodySize(20_000_000, 19_000_000, 'Image')).toBeUndefined();
		expect(checkBodySize(20_000_001, 19_000_001, 'Image')?.message).toBe(
			"Image: the request would be 20.0 MB, over the API's limit of 20.0 MB",
		);
	});
});

describe('characterCount', () => {
	it.each([
		{ text: '', count: 0 },
		{ text: 'abc', count: 3 },
		{ text: '视频生成', count: 4 },
		{ text: '🎬🎬', count: 2 },
		{ text: 'a👩‍💻b', count: 5 },
		{ text: '\ud83c', count: 1 },
		{ text: '\udfac\ud83c', count: 2 },
		{ text: 'x\ud83c', count: 2 },
	])('$text has $count characters', ({ text, count }) => expect(characterCount(text)).toBe(count));
});
