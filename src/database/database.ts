import { types } from 'pg';
import { DataSource, DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { startEmbeddedPostgres } from './embedded-postgres';
import { MIGRATIONS } from './migrations';
import { QueryCounter } from './query-counter';

// A SQL date is a calendar day, not an instant: keep it as 'YYYY-MM-DD' instead of a local-midnight Date.
types.setTypeParser(types.builtins.DATE, (value) => value);

export interface DatabaseOptions {
  /** PostgreSQL URL. Unset: an embedded PGlite. */
  databaseUrl?: string;
  /** Embedded only: where PGlite keeps its files; unset keeps everything in memory. */
  dataDir?: string;
  /** Pool size against PostgreSQL; the embedded database always uses 1 (one PGlite session). */
  poolSize?: number;
  applicationName?: string;
  /** PostgreSQL streaming replicas for reads (see read-routing.ts); writes always go to databaseUrl. */
  replicaUrls?: string[];
  /**
   * PostgreSQL only: server settings every connection starts with (sent as `-c name=value` startup options,
   * which a connection pooler such as PgBouncer may have to be told to accept). Bulk ingestion asks for
   * INGEST_SESSION_SETTINGS; the API server sends none.
   */
  sessionSettings?: Record<string, string>;
}

/**
 * What `fattail ingest` connections start with: room in memory for the temporary tables that stage whole files
 * (taken only when used; PostgreSQL refuses to change it once a connection has used a temporary table).
 */
export const INGEST_SESSION_SETTINGS: Readonly<Record<string, string>> = { temp_buffers: '256MB' };

export interface Database {
  dataSource: DataSource;
  kind: 'embedded' | 'postgres';
  queryCounter: QueryCounter;
  close(): Promise<void>;
}

export function dataSourceOptions(
  url: string,
  poolSize: number,
  counter?: QueryCounter,
  appName = 'fattail',
  replicaUrls: string[] = [],
  connectionTimeoutMillis = 10_000,
  /** Server settings for every connection, as `-c name=value` (PostgreSQL only: the embedded server takes none). */
  startupOptions?: string,
): DataSourceOptions {
  return {
    type: 'postgres',
    ...(replicaUrls.length ? { replication: { master: { url }, slaves: replicaUrls.map((replica) => ({ url: replica })) } } : { url }),
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    migrationsTransactionMode: 'each',
    installExtensions: false,
    synchronize: false,
    logger: counter,
    logging: counter ? ['query'] : false,
    applicationName: appName,
    extra: { max: poolSize, connectionTimeoutMillis, idleTimeoutMillis: 30_000, ...(startupOptions ? { options: startupOptions } : {}) },
  };
}

/** Opens (without migrating) the database the options point at. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const queryCounter = new QueryCounter();
  if (options.databaseUrl) {
    const dataSource = new DataSource(
      dataSourceOptions(
        options.databaseUrl,
        options.poolSize ?? 10,
        queryCounter,
        options.applicationName,
        options.replicaUrls,
        undefined,
        options.sessionSettings && Object.entries(options.sessionSettings).map(([name, value]) => `-c ${name}=${value}`).join(' '),
      ),
    );
    await dataSource.initialize();
    return { dataSource, kind: 'postgres', queryCounter, close: () => dataSource.destroy() };
  }
  if (options.replicaUrls?.length) throw new Error('read replicas need DATABASE_URL: the embedded database has none');
  const embedded = await startEmbeddedPostgres(options.dataDir);
  // Every request queues for the embedded database's one connection, and the pool's connect timeout also
  // bounds that wait: a burst of requests must queue, not fail, so the wait is long here.
  const dataSource = new DataSource(dataSourceOptions(embedded.url, 1, queryCounter, options.applicationName, [], 300_000));
  try {
    await dataSource.initialize();
  } catch (error) {
    await embedded.stop();
    throw error;
  }
  return {
    dataSource,
    kind: 'embedded',
    queryCounter,
    async close() {
      await dataSource.destroy();
      await embedded.stop();
    },
  };
}

/** Applies pending migrations, each in its own transaction. Returns the names applied. */
export async function migrate(dataSource: DataSource): Promise<string[]> {
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  return applied.map((m) => m.name);
}
