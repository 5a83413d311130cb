import { decodedLength, standardBase64 } from '../../nodes/Vidu/request/encode';

describe('standardBase64', () => {
	it.each([
		{ text: 'AAAA', expected: 'AAAA' },
		{ text: 'AAA=', expected: 'AAA=' },
		{ text: 'AAA', expected: 'AAA=' },
		{ text: 'AA', expected: 'AA==' },
		{ text: 'a-_b', expected: 'a+/b' },
		{ text: ' AA\nAA\r\n', expected: 'AAAA' },
		{ text: '', expected: '' },
	])('takes $text as $expected', ({ text, expected }) => expect(standardBase64(text)).toBe(expected));

	it.each([
		{ label: 'a length no base64 can have', text: 'AAAAA' },
		{ label: 'a quote that would end the JSON string', text: 'AA"A' },
		{ label: 'padding in the middle', text: 'AA=A' },
		{ label: 'three padding characters', text: 'A===' },
	])('refuses $label', ({ text }) => expect(standardBase64(text)).toBeUndefined());
});

describe('decodedLength', () => {
	it.each([
		{ base64: 'AAAA', bytes: 3 },
		{ base64: 'AAA=', bytes: 2 },
		{ base64: 'AA==', bytes: 1 },
		{ base64: '', bytes: 0 },
	])('$base64 holds $bytes bytes', ({ base64, bytes }) => {
		expect(decodedLength(base64)).toBe(bytes);
		expect(Buffer.from(base64, 'base64')).toHaveLength(bytes);
	});
});
