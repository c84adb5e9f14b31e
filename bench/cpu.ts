// CPU time per request, split into the server's Node process and the PostgreSQL backends serving its
// pool. On a shared machine requests/s move with everyone else's load; the CPU a request costs moves much
// less, so it says where the difference between Fattail and the floor lies (Node or database).
// Linux only (/proc), and the database must run on this machine; elsewhere the figures are null.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Client } from 'pg';

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** utime + stime of a process, in ms; null when /proc does not have it. */
export function processCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks();
  } catch {
    return null;
  }
}

export interface CpuSnapshot {
  nodeMs: number | null;
  backendMs: Map<number, number>;
}

export interface CpuPerRequest {
  nodeMs: number | null;
  dbMs: number | null;
}

/** Measures one server: its Node process and the backends whose application_name it connects with. */
export class CpuMeter {
  constructor(
    private readonly databaseUrl: string,
    private readonly nodePid: number,
    private readonly applicationName: string,
  ) {}

  async snapshot(): Promise<CpuSnapshot> {
    const client = new Client({ connectionString: this.databaseUrl, application_name: 'fattail-bench-meter' });
    await client.connect();
    try {
      const { rows } = await client.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1`,
        [this.applicationName],
      );
      const backendMs = new Map<number, number>();
      for (const { pid } of rows) {
        const ms = processCpuMs(pid);
        if (ms !== null) backendMs.set(pid, ms);
      }
      return { nodeMs: processCpuMs(this.nodePid), backendMs };
    } finally {
      await client.end();
    }
  }

  /** CPU ms per request between two snapshots; backends that appeared in between count from zero. */
  static perRequest(before: CpuSnapshot, after: CpuSnapshot, requests: number): CpuPerRequest {
    if (requests <= 0) return { nodeMs: null, dbMs: null };
    const nodeMs = before.nodeMs !== null && after.nodeMs !== null ? (after.nodeMs - before.nodeMs) / requests : null;
    let db = 0;
    for (const [pid, ms] of after.backendMs) db += ms - (before.backendMs.get(pid) ?? 0);
    const round = (n: number | null) => (n === null ? null : Math.round(n * 100) / 100);
    return { nodeMs: round(nodeMs), dbMs: after.backendMs.size ? round(db / requests) : null };
  }
}
