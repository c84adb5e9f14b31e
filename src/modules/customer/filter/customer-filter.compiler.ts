import { badInput } from '../../../common/errors';
import { SqlParams } from '../../../database/sql';
import type {
  CustomerFilter,
  DateTimeComparison,
  IntComparison,
  StringComparison,
  TagsComparison,
} from '../dto/customer-filter.input';

/**
 * Compiles a customer filter into ONE parameterised SQL condition over `customer c`. Pure: no I/O.
 * Values only ever enter through SqlParams; column names come from the fixed tables below.
 */
const MAX_LIST = 1000;
const MAX_DEPTH = 10;

type ScalarOps = { _eq?: unknown; _neq?: unknown; _in?: unknown[] | null; _nin?: unknown[] | null; _is_null?: boolean | null };

const STRING_COLUMNS = {
  fullName: 'c.full_name',
  occupation: 'c.occupation',
  city: 'c.city',
  region: 'c.region',
  gender: 'c.gender',
  incomeBand: 'c.income_band',
} as const;

export function compileCustomerFilter(filter: CustomerFilter | null | undefined, params: SqlParams, path = 'filter'): string {
  return compile(filter ?? {}, params, path, 0);
}

function compile(filter: CustomerFilter, params: SqlParams, path: string, depth: number): string {
  if (depth > MAX_DEPTH) throw badInput(path, `filters nest at most ${MAX_DEPTH} levels deep`);
  const parts: string[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (value == null) continue;
    const at = `${path}.${key}`;
    switch (key) {
      case '_and':
      case '_or': {
        const list = value as CustomerFilter[];
        if (list.length === 0) {
          // Hasura: an empty _and is true, an empty _or is false.
          parts.push(key === '_and' ? 'TRUE' : 'FALSE');
          break;
        }
        const compiled = list.map((f, i) => compile(f, params, `${at}[${i}]`, depth + 1));
        parts.push(`(${compiled.join(key === '_and' ? ' AND ' : ' OR ')})`);
        break;
      }
      case '_not':
        parts.push(`NOT (${compile(value as CustomerFilter, params, at, depth + 1)})`);
        break;
      case 'fullName':
      case 'occupation':
      case 'city':
      case 'region':
      case 'gender':
      case 'incomeBand':
        parts.push(scalar(STRING_COLUMNS[key], value as StringComparison, params, at, 'text'));
        break;
      case 'age':
        parts.push(age(value as IntComparison, params, at));
        break;
      case 'customerSince':
        parts.push(scalar('c.created_at', value as DateTimeComparison, params, at, 'timestamptz'));
        break;
      case 'interests':
        parts.push(tags('c.interests', value as TagsComparison, params, at));
        break;
      case 'homeBranch': {
        const cmp = value as StringComparison;
        const { _is_null, ...rest } = cmp;
        const conds: string[] = [];
        if (_is_null != null) conds.push(_is_null ? 'c.home_branch_id IS NULL' : 'c.home_branch_id IS NOT NULL');
        if (Object.values(rest).some((v) => v != null)) {
          conds.push(
            `EXISTS (SELECT 1 FROM branch b WHERE b.id = c.home_branch_id AND ${scalar('b.code', rest, params, at, 'text')})`,
          );
        }
        parts.push(conds.length ? conds.join(' AND ') : 'TRUE');
        break;
      }
      default:
        throw badInput(at, `unknown filter field "${key}"`);
    }
  }
  return parts.length === 0 ? 'TRUE' : parts.length === 1 ? parts[0] : `(${parts.join(' AND ')})`;
}

function checkList(list: unknown[], at: string): void {
  if (list.length > MAX_LIST) throw badInput(at, `at most ${MAX_LIST} values in a list`);
}

function scalar(column: string, ops: ScalarOps & { _gt?: unknown; _gte?: unknown; _lt?: unknown; _lte?: unknown; _contains?: unknown }, params: SqlParams, at: string, cast: string): string {
  const conds: string[] = [];
  for (const [op, value] of Object.entries(ops)) {
    if (value == null) continue;
    const p = (v: unknown) => params.add(v instanceof Date ? v.toISOString() : v, cast);
    switch (op) {
      case '_eq': conds.push(`${column} = ${p(value)}`); break;
      case '_neq': conds.push(`${column} IS DISTINCT FROM ${p(value)}`); break;
      case '_gt': conds.push(`${column} > ${p(value)}`); break;
      case '_gte': conds.push(`${column} >= ${p(value)}`); break;
      case '_lt': conds.push(`${column} < ${p(value)}`); break;
      case '_lte': conds.push(`${column} <= ${p(value)}`); break;
      case '_in':
      case '_nin': {
        const list = value as unknown[];
        checkList(list, `${at}.${op}`);
        const arr = params.add(list.map((v) => (v instanceof Date ? v.toISOString() : v)), `${cast}[]`);
        conds.push(op === '_in' ? `${column} = ANY(${arr})` : `NOT (${column} = ANY(${arr}))`);
        break;
      }
      case '_is_null': conds.push(value ? `${column} IS NULL` : `${column} IS NOT NULL`); break;
      case '_contains': {
        const escaped = String(value).replace(/[\\%_]/g, (ch) => `\\${ch}`);
        conds.push(`${column} ILIKE ${params.add(`%${escaped}%`, 'text')}`);
        break;
      }
      default:
        throw badInput(`${at}.${op}`, `operator ${op} does not apply here`);
    }
  }
  return conds.length === 0 ? 'TRUE' : conds.join(' AND ');
}

/** Age compiles to birth-date bounds, so it stays index-friendly and exact on birthdays. */
function age(ops: IntComparison, params: SqlParams, at: string): string {
  const conds: string[] = [];
  const check = (op: string, n: number) => {
    if (n < 0 || n > 200) throw badInput(`${at}.${op}`, 'age must be between 0 and 200');
  };
  // age >= n  <=>  birth_date <= today - n years
  const atLeast = (n: number) => `c.birth_date <= (current_date - make_interval(years => ${params.add(n, 'int')}))::date`;
  const below = (n: number) => `c.birth_date > (current_date - make_interval(years => ${params.add(n, 'int')}))::date`;
  for (const [op, value] of Object.entries(ops)) {
    if (value == null) continue;
    if (op === '_is_null') {
      conds.push(value ? 'c.birth_date IS NULL' : 'c.birth_date IS NOT NULL');
      continue;
    }
    if (op === '_in' || op === '_nin') {
      const list = value as number[];
      checkList(list, `${at}.${op}`);
      list.forEach((n) => check(op, n));
      const arr = params.add(list, 'int[]');
      const expr = `date_part('year', age(c.birth_date))::int = ANY(${arr})`;
      conds.push(op === '_in' ? expr : `c.birth_date IS NOT NULL AND NOT (${expr})`);
      continue;
    }
    const n = value as number;
    check(op, n);
    switch (op) {
      case '_eq': conds.push(`${atLeast(n)} AND ${below(n + 1)}`); break;
      case '_neq': conds.push(`c.birth_date IS NOT NULL AND NOT (${atLeast(n)} AND ${below(n + 1)})`); break;
      case '_gt': conds.push(atLeast(n + 1)); break;
      case '_gte': conds.push(atLeast(n)); break;
      case '_lt': conds.push(below(n)); break;
      case '_lte': conds.push(below(n + 1)); break;
      default: throw badInput(`${at}.${op}`, `operator ${op} does not apply here`);
    }
  }
  return conds.length === 0 ? 'TRUE' : conds.join(' AND ');
}

function tags(column: string, ops: TagsComparison, params: SqlParams, at: string): string {
  const conds: string[] = [];
  if (ops._contains != null) {
    checkList(ops._contains, `${at}._contains`);
    conds.push(`${column} @> ${params.add(ops._contains, 'text[]')}`);
  }
  if (ops._overlaps != null) {
    checkList(ops._overlaps, `${at}._overlaps`);
    conds.push(`${column} && ${params.add(ops._overlaps, 'text[]')}`);
  }
  if (ops._is_empty != null) conds.push(ops._is_empty ? `cardinality(${column}) = 0` : `cardinality(${column}) > 0`);
  return conds.length === 0 ? 'TRUE' : conds.join(' AND ');
}
