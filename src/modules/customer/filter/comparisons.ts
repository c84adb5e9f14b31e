import { badInput } from '../../../common/errors';
import {
  FilterContext,
  isPresent,
  readBoolean,
  readDate,
  readEnum,
  readFloat,
  readInt,
  readList,
  readMoney,
  readObject,
  readString,
} from './filter-context';

/** Comparison objects (`{ _gt: 3, _lte: 9 }`): every operator present must hold (they AND together). */
export type Operator = '_eq' | '_neq' | '_gt' | '_gte' | '_lt' | '_lte' | '_in' | '_nin' | '_is_null' | '_contains';

export interface OperandSpec {
  /** Type name for messages, e.g. "IntComparison". */
  name: string;
  cast: string;
  read: (value: unknown, at: string) => unknown;
  ops: readonly Operator[];
}

const ORDERED: Operator[] = ['_eq', '_neq', '_gt', '_gte', '_lt', '_lte'];

export const TEXT: OperandSpec = { name: 'StringComparison', cast: 'text', read: (v, at) => readString(v, at), ops: ['_eq', '_neq', '_in', '_nin', '_is_null', '_contains'] };
export const INT: OperandSpec = { name: 'IntComparison', cast: 'int', read: (v, at) => readInt(v, at), ops: [...ORDERED, '_in', '_nin', '_is_null'] };
export const DATE_TIME: OperandSpec = { name: 'DateTimeComparison', cast: 'timestamptz', read: readDate, ops: [...ORDERED, '_is_null'] };
export const MONEY: OperandSpec = { name: 'MoneyComparison', cast: 'numeric', read: readMoney, ops: ORDERED };

export function enumOperand(name: string, values: readonly string[]): OperandSpec {
  return { name, cast: 'text', read: (v, at) => readEnum(v, at, values), ops: ['_eq', '_neq', '_in', '_nin', '_is_null'] };
}

function checkOperators(obj: Record<string, unknown>, allowed: readonly string[], at: string, what: string): void {
  for (const [op, value] of Object.entries(obj)) {
    if (value === undefined) continue;
    if (!allowed.includes(op)) throw badInput(`${at}.${op}`, `operator ${op} does not apply to ${what}`);
  }
}

/** Entries of a comparison object whose value is set, in a stable order. */
function present(obj: Record<string, unknown>): [string, unknown][] {
  return Object.entries(obj).filter(([, v]) => isPresent(v));
}

/**
 * `expr <op> $n` for each operator. `_neq` treats NULL as different (IS DISTINCT FROM), as before; `_nin`
 * and the ordered operators never match NULL.
 */
export function compare(expr: string, value: unknown, spec: OperandSpec, ctx: FilterContext, at: string): string {
  const ops = readObject(value, at);
  checkOperators(ops, spec.ops, at, spec.name);
  const conds: string[] = [];
  for (const [op, raw] of present(ops)) {
    const where = `${at}.${op}`;
    const p = (v: unknown) => ctx.params.add(v, spec.cast);
    switch (op as Operator) {
      case '_eq': conds.push(`${expr} = ${p(spec.read(raw, where))}`); break;
      case '_neq': conds.push(`${expr} IS DISTINCT FROM ${p(spec.read(raw, where))}`); break;
      case '_gt': conds.push(`${expr} > ${p(spec.read(raw, where))}`); break;
      case '_gte': conds.push(`${expr} >= ${p(spec.read(raw, where))}`); break;
      case '_lt': conds.push(`${expr} < ${p(spec.read(raw, where))}`); break;
      case '_lte': conds.push(`${expr} <= ${p(spec.read(raw, where))}`); break;
      case '_in':
      case '_nin': {
        const list = readList(raw, where, spec.read);
        const arr = ctx.params.add(list, `${spec.cast}[]`);
        conds.push(op === '_in' ? `${expr} = ANY(${arr})` : `NOT (${expr} = ANY(${arr}))`);
        break;
      }
      case '_is_null': conds.push(readBoolean(raw, where) ? `${expr} IS NULL` : `${expr} IS NOT NULL`); break;
      case '_contains': {
        const escaped = readString(raw, where).replace(/[\\%_]/g, (ch) => `\\${ch}`);
        conds.push(`${expr} ILIKE ${ctx.params.add(`%${escaped}%`, 'text')}`);
        break;
      }
    }
  }
  return and(conds);
}

/**
 * A ratio `num / den` compared without dividing: `den > 0 AND num <op> x * den`, in numeric so a threshold
 * such as 0.3 is exact (3 of 10 is not "more than 30%"). With den = 0 the ratio is NULL.
 */
export function compareRatio(num: () => string, den: string, value: unknown, ctx: FilterContext, at: string, name = 'FloatComparison'): string {
  const ops = readObject(value, at);
  checkOperators(ops, [...ORDERED, '_is_null'], at, name);
  const conds: string[] = [];
  let nullTest: boolean | null = null;
  for (const [op, raw] of present(ops)) {
    const where = `${at}.${op}`;
    if (op === '_is_null') {
      nullTest = readBoolean(raw, where);
      continue;
    }
    const x = ctx.params.add(String(readFloat(raw, where)), 'numeric');
    const sqlOp = { _eq: '=', _neq: '<>', _gt: '>', _gte: '>=', _lt: '<', _lte: '<=' }[op as '_eq'];
    conds.push(`(${num()})::numeric ${sqlOp} ${x} * (${den})::numeric`);
  }
  if (nullTest === true) return conds.length ? 'FALSE' : `(${den}) = 0`;
  if (conds.length === 0 && nullTest === null) return 'TRUE';
  return and([`(${den}) > 0`, ...conds]);
}

/** Counts compared as plain integers; see countShape for the EXISTS shortcuts. */
export function compareCount(expr: string, value: unknown, ctx: FilterContext, at: string): string {
  const ops = readObject(value, at);
  checkOperators(ops, ['_eq', '_neq', '_gt', '_gte', '_lt', '_lte', '_in', '_nin'], at, 'IntComparison on a count');
  return compare(expr, ops, { ...INT, read: (v, w) => readInt(v, w, 0) }, ctx, at);
}

/**
 * "At least one" and "none" are the common count comparisons; they compile to EXISTS / NOT EXISTS, which
 * stop at the first row and which the planner can turn into semi- and anti-joins.
 */
export function countShape(value: unknown): 'ANY' | 'NONE' | null {
  if (typeof value !== 'object' || value === null) return null;
  const entries = present(value as Record<string, unknown>);
  if (entries.length !== 1) return null;
  const [op, v] = entries[0];
  if ((op === '_gt' && v === 0) || (op === '_gte' && v === 1) || (op === '_neq' && v === 0)) return 'ANY';
  if ((op === '_eq' && v === 0) || (op === '_lt' && v === 1) || (op === '_lte' && v === 0)) return 'NONE';
  if (op === '_in' && Array.isArray(v) && v.length === 1 && v[0] === 0) return 'NONE';
  return null;
}

/** `{ _eq: X, _in: [...] }` on a "has" field: the customer has at least one item of the given kinds. */
export function readHasList(value: unknown, at: string, values: readonly string[], what: string): string[] | null {
  const ops = readObject(value, at);
  checkOperators(ops, ['_eq', '_in'], at, what);
  const wanted: string[][] = [];
  if (isPresent(ops._eq)) wanted.push([readEnum(ops._eq, `${at}._eq`, values)]);
  if (isPresent(ops._in)) wanted.push(readList(ops._in, `${at}._in`, (v, w) => readEnum(v, w, values)));
  if (wanted.length === 0) return null;
  // Both given: operators AND on the same item, so the kinds that satisfy both.
  return wanted.reduce((acc, list) => acc.filter((v) => list.includes(v)));
}

export function and(conds: string[]): string {
  return conds.length === 0 ? 'TRUE' : conds.length === 1 ? conds[0] : `(${conds.join(' AND ')})`;
}

export function or(conds: string[]): string {
  return conds.length === 0 ? 'FALSE' : conds.length === 1 ? conds[0] : `(${conds.join(' OR ')})`;
}
