import { badInput } from '../../../common/errors';
import { SqlParams } from '../../../database/sql';

/**
 * What a field compiler gets: the statement's parameters and the clock. `now` is explicit (never read from
 * the system clock here) so tests and relative-date segments can move time, and so the compiler stays pure.
 */
export class FilterContext {
  private nowRef: string | undefined;

  constructor(
    readonly params: SqlParams,
    readonly now: Date,
  ) {
    if (Number.isNaN(now.getTime())) throw badInput('now', 'now must be a valid instant');
  }

  /** `$n::timestamptz` for now; added once and reused by every window in the statement. */
  get nowSql(): string {
    this.nowRef ??= this.params.add(this.now.toISOString(), 'timestamptz');
    return this.nowRef;
  }

  /** The instant `days` days before now. */
  daysAgo(days: number): string {
    return `(${this.nowSql} - ${this.params.add(days, 'int')} * interval '1 day')`;
  }

  /** Today's date at the clock (in the session time zone, like current_date). */
  get todaySql(): string {
    return `(${this.nowSql})::date`;
  }
}

// Readers for filter values. GraphQL has already typed values that come from a request, but stored segment
// definitions are plain JSON, so every value is checked again here with the path it sits at.

export const MAX_LIST = 1000;
export const MAX_WINDOW_DAYS = 3660;

export function isPresent(value: unknown): boolean {
  return value !== null && value !== undefined;
}

export function readObject(value: unknown, at: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Date) {
    throw badInput(at, 'expected an object');
  }
  return value as Record<string, unknown>;
}

export function readInt(value: unknown, at: string, min = -2_147_483_648, max = 2_147_483_647): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw badInput(at, 'expected a whole number');
  if (value < min || value > max) throw badInput(at, `must be between ${min} and ${max}`);
  return value;
}

export function readFloat(value: unknown, at: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw badInput(at, 'expected a finite number');
  return value;
}

const DECIMAL = /^-?(0|[1-9][0-9]{0,17})(\.[0-9]{1,6})?$/;

/** Money stays a decimal string so it is compared as numeric, never through a float. */
export function readMoney(value: unknown, at: string): string {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  if (typeof text !== 'string' || !DECIMAL.test(text)) throw badInput(at, 'expected a decimal amount such as "1234.56"');
  return text;
}

export function readString(value: unknown, at: string, maxLength = 500): string {
  if (typeof value !== 'string') throw badInput(at, 'expected a string');
  if (value.length > maxLength) throw badInput(at, `at most ${maxLength} characters`);
  return value;
}

export function readBoolean(value: unknown, at: string): boolean {
  if (typeof value !== 'boolean') throw badInput(at, 'expected true or false');
  return value;
}

export function readEnum<T extends string>(value: unknown, at: string, values: readonly T[]): T {
  if (typeof value !== 'string' || !(values as readonly string[]).includes(value)) {
    throw badInput(at, `expected one of ${values.join(', ')}`);
  }
  return value as T;
}

export function readDate(value: unknown, at: string): string {
  const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : null;
  if (!date || Number.isNaN(date.getTime())) throw badInput(at, 'expected an ISO-8601 date-time');
  return date.toISOString();
}

/** A list; GraphQL coerces a single value to a one-item list, so stored JSON may do the same. */
export function readList<T>(value: unknown, at: string, item: (v: unknown, at: string) => T, options: { nonEmpty?: boolean } = {}): T[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length > MAX_LIST) throw badInput(at, `at most ${MAX_LIST} values in a list`);
  if (options.nonEmpty && list.length === 0) throw badInput(at, 'must not be empty');
  return list.map((v, i) => item(v, `${at}[${i}]`));
}

export function readWindowDays(value: unknown, at: string): number {
  if (!isPresent(value)) throw badInput(at, 'withinDays is required');
  return readInt(value, at, 1, MAX_WINDOW_DAYS);
}

/** Rejects keys the object may not have, naming the first one. */
export function onlyKeys(obj: Record<string, unknown>, allowed: readonly string[], at: string, what: string): void {
  for (const [key, value] of Object.entries(obj)) {
    if (value === undefined) continue;
    if (!allowed.includes(key)) throw badInput(`${at}.${key}`, `"${key}" is not a field of ${what}`);
  }
}
