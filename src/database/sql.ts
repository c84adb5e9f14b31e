import { Page } from '../common/pagination';

/** Collects positional parameters while a statement is built: every value goes through $n, never into the text. */
export class SqlParams {
  readonly values: unknown[] = [];

  add(value: unknown, cast?: string): string {
    this.values.push(value);
    return cast ? `$${this.values.length}::${cast}` : `$${this.values.length}`;
  }
}

/** How a keyset-paginated list is sorted: an optional sort column, then the row id as tie-breaker. */
export interface KeysetSort {
  /** Trusted SQL expression (never user text), e.g. "t.booked_at"; null sorts by id alone. */
  column: string | null;
  /** Cast for the cursor's sort value, e.g. "timestamptz", "text". */
  cast: string;
  idColumn: string;
  descending: boolean;
}

export interface KeysetParts {
  /** Condition to AND into WHERE ("TRUE" without a cursor). */
  where: string;
  orderBy: string;
  /** Select-list item giving each row its cursor sort value as text. */
  sortSelect: string;
  limit: string;
}

export function keyset(sort: KeysetSort, page: Page, params: SqlParams): KeysetParts {
  // A backward page reads the list in reverse and the connection flips it back.
  const descending = sort.descending !== page.backward;
  const dir = descending ? 'DESC' : 'ASC';
  const cmp = descending ? '<' : '>';
  let where = 'TRUE';
  if (page.cursor) {
    const [sortValue, id] = page.cursor;
    if (sort.column && sortValue !== null) {
      where = `(${sort.column}, ${sort.idColumn}) ${cmp} (${params.add(sortValue, sort.cast)}, ${params.add(id, 'bigint')})`;
    } else {
      where = `${sort.idColumn} ${cmp} ${params.add(id, 'bigint')}`;
    }
  }
  const orderBy = sort.column ? `${sort.column} ${dir}, ${sort.idColumn} ${dir}` : `${sort.idColumn} ${dir}`;
  return {
    where,
    orderBy,
    sortSelect: sort.column ? `${sort.column}::text AS "__sort"` : `NULL::text AS "__sort"`,
    limit: params.add(page.limit + 1, 'int'),
  };
}

/**
 * One page of children for many parents in ONE statement: the parents' keys are unnested with their
 * ordinal and each gets its own LIMITed, keyset-ordered subquery (LATERAL). The inner query must select
 * `row_number() OVER (ORDER BY <its order>) AS "__n"`; rows come back with "__i" (1-based parent
 * ordinal), in parent order, then page order.
 */
export function lateralPages(keysFrom: string, inner: string): string {
  return `SELECT k.i::int AS "__i", x.* FROM ${keysFrom} CROSS JOIN LATERAL (${inner}) x ORDER BY k.i, x."__n"`;
}

export function pageRowNumber(orderBy: string): string {
  return `row_number() OVER (ORDER BY ${orderBy}) AS "__n"`;
}

export type Paged<R> = R & { __i: number; __n: string };
