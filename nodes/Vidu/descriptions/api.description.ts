import type { INodeProperties } from 'n8n-workflow';

import { testOfficialKey, testViduKey } from '../methods/credentialTest';

/** Which API the node speaks, by whose key the user holds: the Vidu node and the Vidu Trigger alike. */
export const apiProperty: INodeProperties = {
	displayName: 'API',
	name: 'authentication',
	type: 'options',
	noDataExpression: true,
	options: [
		{ name: 'Vtrix Gateway', value: 'gateway', description: 'A key from Vtrix (cloud.vtrix.ai): costs in USD' },
		{ name: 'Vidu Official API', value: 'official', description: 'A key from Vidu (platform.vidu.com): costs in credits' },
	],
	default: 'gateway',
	description: 'Whose key you hold: the node speaks to that API in its own way',
};

export const credentialTests = { viduApiTest: testViduKey, viduOfficialApiTest: testOfficialKey };
