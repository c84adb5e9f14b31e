import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../../../src/common/repo-root';
import { AccessRepository } from '../../../src/modules/access/access.repository';
import { ApiKeyService } from '../../../src/modules/access/api-key.service';
import { createTestDatabase, TestDatabase } from '../../helpers/test-database';

const PEPPER = 'workers-test-pepper';
const postgres = process.env.TEST_DATABASE_URL !== undefined;

function startCli(args: string[], env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const root = repoRoot();
  let output = '';
  const child = spawn(process.execPath, ['-r', join(root, 'tests/helpers/ts-register.js'), join(root, 'src/cli/main.ts'), ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  return { child, output: () => output };
}

/**
 * The workers listen on PORT=0: node:cluster gives every worker the one port the primary bound, and
 * each logs it. (Picking a free port first and passing it down races with every other test that
 * listens while the CLI is starting.)
 */
async function waitUntilListening(child: ChildProcess, output: () => string): Promise<string> {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`server exited early (${child.exitCode}): ${output()}`);
    const listening = /"url":"(http:\/\/[^"]+)\/graphql"/.exec(output());
    if (listening) return listening[1];
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server did not come up: ${output()}`);
}

(postgres ? describe : describe.skip)(
  postgres
    ? 'fattail serve --workers'
    : 'fattail serve --workers (skipped: several processes share a database only on PostgreSQL; runs in the PostgreSQL pass)',
  () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await createTestDatabase();
    });
    afterAll(async () => {
      await db?.close();
    });

    it('serves one port from several worker processes and stops them all on SIGTERM', async () => {
      const { child, output } = startCli(['serve', '--workers', '2'], {
        DATABASE_URL: db.url!,
        PORT: '0',
        LOG_LEVEL: 'info',
        FATTAIL_KEY_PEPPER: PEPPER,
      });
      // A failure in the body is the one reported; the stop is checked after it, so it cannot mask it.
      let failure: unknown;
      try {
        const url = await waitUntilListening(child, output);
        // The first worker may answer before the second has finished starting: ask until both have
        // answered (round-robin hands connections to every listening worker), for at most a minute.
        const workers = new Set<number>();
        const deadline = Date.now() + 60_000;
        while (workers.size < 2 && Date.now() < deadline) {
          const res = await fetch(`${url}/healthz`, { headers: { connection: 'close' } });
          workers.add(((await res.json()) as { worker: number }).worker);
          if (workers.size < 2) await new Promise((r) => setTimeout(r, 100));
        }
        expect(workers.size).toBe(2);

        const keys = new ApiKeyService(db.dataSource, new AccessRepository(db.dataSource), PEPPER);
        const { plaintext } = await keys.create({ name: 'workers', role: 'ANALYST' });
        const res = await fetch(`${url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${plaintext}` },
          body: JSON.stringify({ query: '{ customers { totalCount } }' }),
        });
        expect(await res.json()).toEqual({ data: { customers: { totalCount: 0 } } });
        expect(
          (await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{__typename}"}' }))
            .status,
        ).toBe(401);
      } catch (error) {
        failure = error;
      }
      const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(`code ${code}, signal ${signal}`)));
      child.kill('SIGTERM');
      const exit = await exited;
      if (failure) throw failure;
      if (exit !== 'code 0, signal null') throw new Error(`the server stopped with ${exit}:\n${output()}`);
    });
  },
);

describe('fattail serve --workers on the embedded database', () => {
  it('refuses more than one worker, saying why', async () => {
    const { child, output } = startCli(['serve', '--workers', '2'], { FATTAIL_DATA_DIR: '/tmp/fattail-never-created', PORT: '0' });
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(code).toBe(1);
    expect(output()).toMatch(/--workers above 1 needs DATABASE_URL/);
  });
});
