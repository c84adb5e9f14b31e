import DataLoader from 'dataloader';
import { observeBatch } from './instrumentation';

/**
 * A DataLoader for "children of a parent, with arguments" (e.g. an account's transactions, first 10,
 * channel ATM). Keys that share the same arguments are fetched together in one batch call, so a nested
 * page costs one query per distinct argument set, whatever the number of parents.
 */
export interface GroupedKey<P, A> {
  parent: P;
  args: A;
}

export function groupedLoader<P, A, R>(
  batch: (parents: P[], args: A) => Promise<R[]>,
  parentKey: (parent: P) => string,
  name = 'grouped',
): DataLoader<GroupedKey<P, A>, R, string> {
  return new DataLoader<GroupedKey<P, A>, R, string>(
    async (keys) => {
      observeBatch(name, keys.length);
      const groups = new Map<string, { args: A; indexes: number[] }>();
      keys.forEach((key, index) => {
        const argsKey = JSON.stringify(key.args);
        const group = groups.get(argsKey) ?? { args: key.args, indexes: [] };
        group.indexes.push(index);
        groups.set(argsKey, group);
      });
      const results = new Array<R>(keys.length);
      await Promise.all(
        [...groups.values()].map(async ({ args, indexes }) => {
          const rows = await batch(
            indexes.map((i) => keys[i].parent),
            args,
          );
          indexes.forEach((keyIndex, n) => {
            results[keyIndex] = rows[n];
          });
        }),
      );
      return results;
    },
    { cacheKeyFn: (key) => `${parentKey(key.parent)}|${JSON.stringify(key.args)}` },
  );
}

/** A DataLoader whose batch sizes are reported to the metrics (fattail_dataloader_batch_size). */
export function batchLoader<K, V, C = K>(name: string, batch: (keys: readonly K[]) => Promise<V[]>, options: DataLoader.Options<K, V, C> = {}): DataLoader<K, V, C> {
  return new DataLoader<K, V, C>(
    (keys) => {
      observeBatch(name, keys.length);
      return batch(keys);
    },
    options,
  );
}

/** Puts rows back in key order; rows missing for a key come back as null. */
export function inKeyOrder<R>(keys: readonly string[], rows: R[], keyOf: (row: R) => string): (R | null)[] {
  const byKey = new Map(rows.map((row) => [keyOf(row), row] as const));
  return keys.map((key) => byKey.get(key) ?? null);
}

/** Groups rows into one list per key, in key order. */
export function groupInKeyOrder<R>(keyCount: number, rows: R[], indexOf: (row: R) => number): R[][] {
  const lists: R[][] = Array.from({ length: keyCount }, () => []);
  for (const row of rows) lists[indexOf(row)].push(row);
  return lists;
}
