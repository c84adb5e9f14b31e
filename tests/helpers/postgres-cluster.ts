import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/**
 * Throwaway PostgreSQL clusters for tests that need more than one server (a streaming replica).
 * They use the machine's PostgreSQL binaries, live in a temp folder and run as the postgres user
 * (PostgreSQL refuses to run as root), on their own ports and sockets.
 */
export function postgresBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) if (existsSync(join(root, v, 'bin', 'pg_ctl'))) return join(root, v, 'bin');
  return null;
}

function asPostgres(bin: string, args: string[]): string {
  const isRoot = userInfo().uid === 0;
  const [cmd, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  return execFileSync(cmd, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export interface Cluster {
  port: number;
  url(database?: string): string;
  stop(): void;
}

function startCluster(bin: string, dataDir: string, port: number, socketDir: string): Cluster {
  asPostgres(join(bin, 'pg_ctl'), ['-D', dataDir, '-l', join(dataDir, 'server.log'), '-w', '-o', `-p ${port} -k ${socketDir} -c listen_addresses=127.0.0.1`, 'start']);
  return {
    port,
    url: (database = 'postgres') => `postgresql://postgres@127.0.0.1:${port}/${database}`,
    stop: () => {
      spawnSync(userInfo().uid === 0 ? 'runuser' : join(bin, 'pg_ctl'), userInfo().uid === 0 ? ['-u', 'postgres', '--', join(bin, 'pg_ctl'), '-D', dataDir, '-m', 'immediate', 'stop'] : ['-D', dataDir, '-m', 'immediate', 'stop']);
    },
  };
}

/** One throwaway server that a test may stop and start again (to simulate an outage). */
export function startStandaloneCluster(bin: string, port: number): Cluster & { halt(): void; restart(): void; cleanup(): void } {
  const root = mkdtempSync(join(tmpdir(), 'fattail-pg-'));
  if (userInfo().uid === 0) execFileSync('chown', ['-R', 'postgres:postgres', root]);
  const dataDir = join(root, 'data');
  asPostgres(join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust']);
  let cluster = startCluster(bin, dataDir, port, root);
  return {
    port,
    url: (database?: string) => cluster.url(database),
    stop: () => cluster.stop(),
    halt: () => cluster.stop(),
    restart: () => {
      cluster = startCluster(bin, dataDir, port, root);
    },
    cleanup: () => {
      cluster.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export interface PrimaryWithReplica {
  primary: Cluster;
  replica: Cluster;
  cleanup(): void;
}

/** A primary and a hot-standby streaming replica of it, on the given ports. */
export function startPrimaryWithReplica(bin: string, primaryPort: number, replicaPort: number): PrimaryWithReplica {
  const root = mkdtempSync(join(tmpdir(), 'fattail-pg-'));
  if (userInfo().uid === 0) execFileSync('chown', ['-R', 'postgres:postgres', root]);
  const primaryDir = join(root, 'primary');
  const replicaDir = join(root, 'replica');
  // PostgreSQL's defaults already stream: wal_level=replica, max_wal_senders=10, hot_standby=on.
  asPostgres(join(bin, 'initdb'), ['-D', primaryDir, '-U', 'postgres', '--auth=trust']);
  asPostgres('/bin/sh', ['-c', `echo "host replication all 127.0.0.1/32 trust" >> ${primaryDir}/pg_hba.conf`]);
  const primary = startCluster(bin, primaryDir, primaryPort, root);
  let replica: Cluster | undefined;
  try {
    asPostgres(join(bin, 'pg_basebackup'), ['-h', '127.0.0.1', '-p', String(primaryPort), '-U', 'postgres', '-D', replicaDir, '-R', '-X', 'stream']);
    replica = startCluster(bin, replicaDir, replicaPort, root);
  } catch (error) {
    primary.stop();
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
  return {
    primary,
    replica,
    cleanup() {
      replica?.stop();
      primary.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

