// The two servers under test run as child processes, so their memory and CPU are their own and the load
// generator (this process) does not share an event loop with them.
import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { DEV_HASH_KEY } from '../src/modules/identity/normalise';

export interface ServerProcess {
  name: string;
  pid: number;
  url: string;
  /** Date.now() just before the spawn: a --cpu-prof profile starts about then. */
  startedAt: number;
  /** Highest resident set size seen so far, in MB: the kernel's own high-water mark (VmHWM) where /proc exists. */
  peakRssMb(): number | null;
  /** Null while it runs; the exit code or signal once it has stopped. */
  exited(): string | null;
  /** The last few KB the server printed (stdout and stderr). */
  output(): string;
  /** SIGTERM, then waits for the exit (SIGKILL after the timeout). */
  stop(timeoutMs?: number): Promise<number | null>;
}

/** The compiled tree's root (dist/), so the bench runs from `node dist/bench/run.js` wherever the cwd is. */
export const DIST_ROOT = path.resolve(__dirname, '..');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

function procStatusKb(pid: number, field: 'VmHWM' | 'VmRSS'): number | null {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

async function waitUntilReady(child: ChildProcess, url: string, output: () => string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${url}: the server exited during start-up (${child.exitCode ?? child.signalCode}):\n${output()}`);
    }
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not become ready within ${timeoutMs / 1000}s:\n${output()}`);
}

async function startServerProcess(name: string, script: string, env: NodeJS.ProcessEnv, nodeArgs: string[], port: number, readyPath: string): Promise<ServerProcess> {
  const startedAt = Date.now();
  const child = spawn(process.execPath, [...nodeArgs, path.join(DIST_ROOT, script)], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Keep the tail of what the server prints: shown if it dies, never mixed into the bench's table.
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-8_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  // VmHWM is the kernel's peak; polling VmRSS is only the fallback if a kernel does not report it.
  let polledPeakKb = 0;
  const poll = setInterval(() => {
    polledPeakKb = Math.max(polledPeakKb, procStatusKb(child.pid!, 'VmRSS') ?? 0);
  }, 250);
  poll.unref();
  let finalHwmKb: number | null = null;

  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(child, `${url}${readyPath}`, () => tail);
  } catch (error) {
    clearInterval(poll);
    child.kill('SIGKILL');
    throw error;
  }
  return {
    name,
    pid: child.pid!,
    url,
    startedAt,
    exited: () => (child.exitCode !== null ? `exit code ${child.exitCode}` : child.signalCode !== null ? `signal ${child.signalCode}` : null),
    output: () => tail,
    peakRssMb() {
      const kb = finalHwmKb ?? procStatusKb(child.pid!, 'VmHWM') ?? (polledPeakKb || null);
      return kb === null ? null : Math.round((kb / 1024) * 10) / 10;
    },
    async stop(timeoutMs = 20_000) {
      clearInterval(poll);
      finalHwmKb = procStatusKb(child.pid!, 'VmHWM') ?? (polledPeakKb || null);
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

export interface FattailOptions {
  databaseUrl: string;
  keyPepper: string;
  /** Directory for a V8 CPU profile (--cpu-prof); none when unset. */
  cpuProfileDir?: string;
  /** Extra Node flags for the server (e.g. --max-semi-space-size=64), to try runtime settings without code changes. */
  nodeOptions?: string;
}

/** `node dist/src/main.js` as production runs it. */
export async function startFattail(options: FattailOptions): Promise<ServerProcess> {
  const port = await freePort();
  const nodeArgs = [
    ...(options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : []),
    ...(options.nodeOptions ? options.nodeOptions.split(/\s+/).filter(Boolean) : []),
  ];
  // FATTAIL_* settings of the bench's own environment reach the server (e.g. FATTAIL_MAX_QUERY_COST); the ones
  // below are the bench's and win.
  const passedOn = Object.fromEntries(Object.entries(process.env).filter(([name]) => name.startsWith('FATTAIL_')));
  return startServerProcess(
    'fattail',
    'src/main.js',
    {
      ...passedOn,
      // The seed ran in this process outside production, so identifiers were hashed with the development key;
      // the server must use the same one to find them (production refuses to start without a key).
      FATTAIL_HASH_KEY: process.env.FATTAIL_HASH_KEY ?? DEV_HASH_KEY,
      NODE_ENV: 'production',
      DATABASE_URL: options.databaseUrl,
      FATTAIL_KEY_PEPPER: options.keyPepper,
      LOG_LEVEL: 'warn',
      FATTAIL_SEED_ON_FIRST_START: 'false',
      // The limiter still runs on every request (its cost is measured); only its budget is lifted, since the
      // bench sends far more than one key's 600 requests a minute on purpose.
      FATTAIL_RATE_LIMIT_PER_MINUTE: '1000000000',
    },
    nodeArgs,
    port,
    '/readyz',
  );
}

export async function startFloor(databaseUrl: string, parts: string[]): Promise<ServerProcess> {
  const port = await freePort();
  return startServerProcess('floor', 'bench/floor-server.js', { NODE_ENV: 'production', DATABASE_URL: databaseUrl, FLOOR_PARTS: parts.join(',') }, [], port, '/healthz');
}
