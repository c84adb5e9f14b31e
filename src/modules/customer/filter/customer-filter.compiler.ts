import { badInput } from '../../../common/errors';
import { SqlParams } from '../../../database/sql';
import { and, or } from './comparisons';
import { FilterContext, isPresent, readObject } from './filter-context';
import { FILTER_FIELDS } from './filter-fields';

/**
 * Compiles a customer filter into ONE parameterised SQL condition over `customer c`. Pure: no I/O, no clock
 * (the caller passes `now`). Values only ever enter through SqlParams; column names come from the fixed
 * field table. The same code validates stored segment definitions, which are plain JSON.
 */
export const MAX_DEPTH = 10;
export const MAX_CONDITIONS = 200;

/** A filter as GraphQL hands it over (CustomerFilter) or as stored JSON. */
export type FilterInput = object;

export interface CompileOptions {
  now: Date;
  /** Path of the filter in the request, for error messages: "filter", "input.filter". */
  path?: string;
}

export function compileCustomerFilter(filter: FilterInput | null | undefined, params: SqlParams, options: CompileOptions): string {
  const ctx = new FilterContext(params, options.now);
  return compileNode(filter ?? {}, ctx, options.path ?? 'filter', 0, { conditions: 0 });
}

/** Throws BAD_USER_INPUT at the first problem; the SQL is thrown away. */
export function validateCustomerFilter(filter: FilterInput | null | undefined, path = 'filter'): void {
  compileCustomerFilter(filter, new SqlParams(), { now: new Date(0), path });
}

interface Budget {
  conditions: number;
}

function compileNode(node: unknown, ctx: FilterContext, at: string, depth: number, budget: Budget): string {
  if (depth > MAX_DEPTH) throw badInput(at, `filters nest at most ${MAX_DEPTH} levels deep`);
  const obj = readObject(node, at);
  const parts: string[] = [];
  for (const [key, value] of Object.entries(obj)) {
    if (!isPresent(value)) continue;
    const here = `${at}.${key}`;
    if (++budget.conditions > MAX_CONDITIONS) throw badInput(here, `a filter has at most ${MAX_CONDITIONS} conditions`);
    switch (key) {
      case '_and':
      case '_or': {
        if (!Array.isArray(value)) throw badInput(here, 'expected a list of filters');
        // Hasura: an empty _and is true, an empty _or is false.
        const compiled = value.map((f, i) => compileNode(f, ctx, `${here}[${i}]`, depth + 1, budget));
        parts.push(key === '_and' ? and(compiled) : or(compiled));
        break;
      }
      case '_not':
        parts.push(`NOT (${compileNode(value, ctx, here, depth + 1, budget)})`);
        break;
      default: {
        const field = FILTER_FIELDS.get(key);
        if (!field) throw badInput(here, `unknown filter field "${key}"`);
        parts.push(field.condition(value, ctx, here));
      }
    }
  }
  return and(parts);
}

export interface SegmentReference {
  key: string;
  /** Where the reference sits, e.g. "filter._or[1].segment". */
  path: string;
}

/** Segments a filter reads through `segment: {...}`, at any depth, in the order written. */
export function segmentReferences(filter: FilterInput | null | undefined, root = 'filter'): SegmentReference[] {
  const refs: SegmentReference[] = [];
  const walk = (node: unknown, at: string, depth: number) => {
    if (depth > MAX_DEPTH || typeof node !== 'object' || node === null) return;
    for (const [key, value] of Object.entries(node)) {
      if (!isPresent(value)) continue;
      const here = `${at}.${key}`;
      if (key === '_and' || key === '_or') (Array.isArray(value) ? value : []).forEach((f, i) => walk(f, `${here}[${i}]`, depth + 1));
      else if (key === '_not') walk(value, here, depth + 1);
      else FILTER_FIELDS.get(key)?.segmentKeys?.(value).forEach((k) => refs.push({ key: k, path: here }));
    }
  };
  walk(filter, root, 0);
  return refs;
}

export type ExplainKind = 'ALL_OF' | 'ANY_OF' | 'NOT' | 'CONDITION';

export interface ExplainNode {
  path: string;
  kind: ExplainKind;
  /** The field name for a CONDITION, the operator (_and, _or, _not) for a group, null for a filter object. */
  field: string | null;
  /** The condition as written (CONDITION nodes only). */
  condition: unknown;
  /** SQL boolean for this node alone. */
  heldSql: string;
  /** SQL jsonb of the customer's actual value (CONDITION nodes only). */
  actualSql: string | null;
}

/**
 * Every node of the filter, pre-order, each with its own SQL, so one statement can say for one customer
 * which conditions held and what the customer's values were. The root is the whole filter.
 */
export function explainCustomerFilter(filter: FilterInput | null | undefined, params: SqlParams, options: CompileOptions): ExplainNode[] {
  const ctx = new FilterContext(params, options.now);
  const root = options.path ?? 'filter';
  compileNode(filter ?? {}, new FilterContext(new SqlParams(), options.now), root, 0, { conditions: 0 });
  const nodes: ExplainNode[] = [];
  const visit = (node: unknown, at: string, emitSelf: boolean) => {
    if (emitSelf) nodes.push({ path: at, kind: 'ALL_OF', field: null, condition: null, heldSql: compileNode(node, ctx, at, 0, { conditions: 0 }), actualSql: null });
    for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
      if (!isPresent(value)) continue;
      const here = `${at}.${key}`;
      if (key === '_and' || key === '_or') {
        const list = value as unknown[];
        nodes.push({
          path: here,
          kind: key === '_and' ? 'ALL_OF' : 'ANY_OF',
          field: key,
          condition: null,
          heldSql: compileNode({ [key]: list }, ctx, at, 0, { conditions: 0 }),
          actualSql: null,
        });
        list.forEach((f, i) => visit(f, `${here}[${i}]`, true));
      } else if (key === '_not') {
        nodes.push({ path: here, kind: 'NOT', field: key, condition: null, heldSql: `NOT (${compileNode(value, ctx, here, 0, { conditions: 0 })})`, actualSql: null });
        visit(value, here, false);
      } else {
        const f = FILTER_FIELDS.get(key)!;
        nodes.push({ path: here, kind: 'CONDITION', field: key, condition: value, heldSql: f.condition(value, ctx, here), actualSql: f.actual(value, ctx) });
      }
    }
  };
  visit(filter ?? {}, root, true);
  return nodes;
}

/**
 * The JSON a definition is stored as: nulls dropped, dates as ISO strings, class instances as plain
 * objects. Reading it back and compiling it gives the same SQL.
 */
export function toStoredFilter(filter: FilterInput | null | undefined): Record<string, unknown> {
  const plain = (value: unknown): unknown => {
    if (value instanceof Date) return value.toISOString();
    if (Array.isArray(value)) return value.map(plain);
    if (typeof value === 'object' && value !== null) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) if (isPresent(v)) out[k] = plain(v);
      return out;
    }
    return value;
  };
  return (plain(filter ?? {}) as Record<string, unknown>) ?? {};
}
