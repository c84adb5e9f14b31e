import { badInput } from './errors';

/**
 * Relay cursor pagination on keysets: a cursor is base64url(JSON [sortValue, id]). Page sizes are capped;
 * the same helpers serve top-level lists and batched nested lists.
 */
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

export type CursorKey = [string | null, string];

export interface Page {
  /** Rows wanted; the query fetches limit + 1 to know whether more exist. */
  limit: number;
  /** forward: first/after; backward: last/before (query in reverse order, then flip). */
  backward: boolean;
  cursor: CursorKey | null;
  hasCursor: boolean;
}

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, field: string): CursorKey {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      (value[0] === null || typeof value[0] === 'string') &&
      typeof value[1] === 'string' &&
      /^[0-9]{1,19}$/.test(value[1])
    ) {
      return value as CursorKey;
    }
  } catch {
    // fall through to the error below
  }
  throw badInput(field, `"${cursor}" is not a valid cursor`);
}

export function toPage(args: PageArgs, defaultSize = DEFAULT_PAGE_SIZE, maxSize = MAX_PAGE_SIZE, prefix = ''): Page {
  const name = (f: string) => (prefix ? `${prefix}.${f}` : f);
  const { first, after, last, before } = args;
  if (first != null && last != null) throw badInput(name('last'), 'pass either first or last, not both');
  if (after != null && before != null) throw badInput(name('before'), 'pass either after or before, not both');
  for (const [field, value] of [
    ['first', first],
    ['last', last],
  ] as const) {
    if (value != null && (!Number.isInteger(value) || value < 0 || value > maxSize)) {
      throw badInput(name(field), `${field} must be between 0 and ${maxSize}`, { max: maxSize });
    }
  }
  const backward = last != null || (before != null && first == null);
  if (backward && after != null) throw badInput(name('after'), 'after goes with first, not with last');
  if (!backward && before != null) throw badInput(name('before'), 'before goes with last, not with first');
  const rawCursor = backward ? before : after;
  return {
    limit: (backward ? last : first) ?? defaultSize,
    backward,
    cursor: rawCursor != null ? decodeCursor(rawCursor, name(backward ? 'before' : 'after')) : null,
    hasCursor: rawCursor != null,
  };
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface PageInfoData {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface ConnectionData<T> {
  edges: Edge<T>[];
  pageInfo: PageInfoData;
  count: () => Promise<number>;
}

/** Rows carry their sort key as `__sort` (text) and their local id as `id`. */
export interface KeyedRow {
  id: string;
  __sort?: string | null;
}

export function toConnection<T extends KeyedRow>(rows: T[], page: Page, count: () => Promise<number>): ConnectionData<T> {
  const hasMore = rows.length > page.limit;
  const kept = hasMore ? rows.slice(0, page.limit) : rows;
  if (page.backward) kept.reverse();
  const edges = kept.map((node) => ({ cursor: encodeCursor([node.__sort ?? null, node.id]), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: page.backward ? page.hasCursor : hasMore,
      hasPreviousPage: page.backward ? hasMore : page.hasCursor,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
    count,
  };
}
