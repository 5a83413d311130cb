/**
 * n8n's binary-data service as the tests configure it. Apart from runNode.ts so that the after-all
 * cleanup (test/helpers/cleanup.ts) loads no node code: a test file may still replace a node module
 * with jest.mock before the node is first loaded.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Container } from '@n8n/di';
import { BinaryDataService } from 'n8n-core';

export type BinaryMode = 'default' | 'filesystem';

let binaryMode: BinaryMode | undefined;
let storagePath: string | undefined;

export const binaryModeInUse = (): BinaryMode | undefined => binaryMode;

/** Removes the folder filesystem mode wrote to (test/helpers/cleanup.ts, after each test file). */
export function removeBinaryStorage(): void {
	if (storagePath) rmSync(storagePath, { recursive: true, force: true });
	storagePath = undefined;
	binaryMode = undefined;
}

/** n8n keeps binaries in memory ('default', n8n 1.x) or on disk ('filesystem', the n8n 2.x default). */
export async function useBinaryMode(mode: BinaryMode): Promise<void> {
	if (binaryMode === mode) return;
	removeBinaryStorage();
	storagePath = mkdtempSync(join(tmpdir(), 'vidu-binary-'));
	const config = {
		mode,
		availableModes: ['filesystem'],
		localStoragePath: storagePath,
		signingSecret: 'test',
		dbMaxFileSize: 512,
	};
	const errorReporter = { error: () => undefined };
	const logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
	const service = new BinaryDataService(config as never, errorReporter as never, logger as never);
	await service.init();
	Container.set(BinaryDataService, service);
	binaryMode = mode;
}
