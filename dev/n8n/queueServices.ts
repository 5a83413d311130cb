/**
 * PostgreSQL and Redis for n8n's queue mode, from Debian's packages (`.ci/run` installs them),
 * each started on a free loopback port in a temporary folder and stopped at the end.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { freePort } from './realN8n';

const run = promisify(execFile);

/** PostgreSQL refuses to run as root: its commands run as the `postgres` user the package creates. */
const asPostgres = async (bin: string, args: string[]) =>
	await run('runuser', ['-u', 'postgres', '--', bin, ...args], { timeout: 120_000 });

function postgresBin(): string {
	const root = '/usr/lib/postgresql';
	const major = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a))[0] : undefined;
	if (!major || !existsSync(join(root, major, 'bin', 'initdb'))) {
		throw new Error('PostgreSQL is not installed: apt-get install -y postgresql (.ci/run does this)');
	}
	return join(root, major, 'bin');
}

export interface QueueServices {
	/** What every n8n process of the queue needs to find the database and the queue. */
	env: Record<string, string>;
	/** Runs one query on n8n's database and gives its rows, one per line, columns separated by "|". */
	query(sql: string): Promise<string[]>;
	stop(): Promise<void>;
}

export async function startQueueServices(): Promise<QueueServices> {
	const bin = postgresBin();
	const dataDir = mkdtempSync(join(tmpdir(), 'vidu-pg-'));
	chownSync(dataDir, ...(await postgresIds()));
	const pgPort = await freePort();
	await asPostgres(join(bin, 'initdb'), ['-D', dataDir, '--auth=trust', '-U', 'postgres']);
	await asPostgres(join(bin, 'pg_ctl'), ['-D', dataDir, '-o', `-p ${pgPort} -k ${dataDir} -c listen_addresses=127.0.0.1`, '-w', 'start']);
	const psql = async (sql: string, database = 'postgres') =>
		await asPostgres(join(bin, 'psql'), ['-h', '127.0.0.1', '-p', String(pgPort), '-U', 'postgres', '-d', database, '-At', '-c', sql]);
	// Two statements, two calls: CREATE DATABASE cannot run inside the transaction one -c with both would be.
	await psql("CREATE USER n8n PASSWORD 'n8n'");
	await psql('CREATE DATABASE n8n OWNER n8n');

	const redisPort = await freePort();
	const redis: ChildProcess = spawn(
		'redis-server',
		['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
		{
			stdio: 'ignore',
		},
	);
	for (let tries = 0; ; tries++) {
		const pong = await run('redis-cli', ['-p', String(redisPort), 'ping']).then(
			({ stdout }) => stdout.trim(),
			() => '',
		);
		if (pong === 'PONG') break;
		if (tries > 100) throw new Error('redis-server did not answer PING');
		await new Promise((resolve) => setTimeout(resolve, 100));
	}

	return {
		env: {
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(redisPort),
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(pgPort),
			DB_POSTGRESDB_DATABASE: 'n8n',
			DB_POSTGRESDB_USER: 'n8n',
			DB_POSTGRESDB_PASSWORD: 'n8n',
			OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		},
		async query(sql) {
			const { stdout } = await psql(sql, 'n8n');
			return stdout.split('\n').filter(Boolean);
		},
		async stop() {
			redis.kill('SIGTERM');
			await asPostgres(join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'fast', 'stop']).catch(() => undefined);
			rmSync(dataDir, { recursive: true, force: true });
		},
	};
}

async function postgresIds(): Promise<[number, number]> {
	const { stdout } = await run('id', ['-u', 'postgres']);
	const { stdout: group } = await run('id', ['-g', 'postgres']);
	return [Number(stdout.trim()), Number(group.trim())];
}
