import { AsyncLocalStorage } from 'node:async_hooks';
import { DataSource } from 'typeorm';

/**
 * Where reads go. With read replicas configured (DATABASE_REPLICA_URLS), repositories send their reads
 * through `readQuery`, which uses a replica unless the current request must read its own writes: a
 * mutation (marked by the GraphQL layer) or a client asking for `x-fattail-consistency: primary`.
 * Writes never come here; they always use the primary.
 */
interface Routing {
  primary: boolean;
}

const routing = new AsyncLocalStorage<Routing>();

export function runWithReadRouting<T>(primary: boolean, fn: () => T): T {
  return routing.run({ primary }, fn);
}

/** From here on, this request reads from the primary (it wrote, or will write, and must see it). */
export function preferPrimary(): void {
  const store = routing.getStore();
  if (store) store.primary = true;
}

export function readsFromReplica(dataSource: DataSource): boolean {
  return (dataSource.driver as { isReplicated?: boolean }).isReplicated === true && routing.getStore()?.primary !== true;
}

export async function readQuery<T = any>(dataSource: DataSource, sql: string, parameters?: unknown[]): Promise<T> {
  if (!readsFromReplica(dataSource)) return dataSource.query(sql, parameters);
  const runner = dataSource.createQueryRunner('slave');
  try {
    return await runner.query(sql, parameters);
  } finally {
    await runner.release();
  }
}
