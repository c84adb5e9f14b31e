import { FilterContext } from './filter-context';

/**
 * One field of the filter language. Every field compiles to a SQL boolean over `customer c` (correlated
 * subqueries keyed on c.id), so a whole filter is one parameterised condition and nothing is evaluated per
 * customer in Node.
 */
export interface FilterField {
  /** Validates the value (BAD_USER_INPUT at `at`) and returns the condition. */
  condition(value: unknown, ctx: FilterContext, at: string): string;
  /** SQL (jsonb) for the customer's actual value, shown by explainMembership. Called after condition. */
  actual(value: unknown, ctx: FilterContext): string;
  /** Segment keys the condition reads, so segment refresh can order segments and reject cycles. */
  segmentKeys?(value: unknown): string[];
}
