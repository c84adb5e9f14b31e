import { LifetimeValueConfig, loadLifetimeValueConfig } from '../../lifetime-value/lifetime-value.config';
import { realisedValueSql } from '../../lifetime-value/realised-value';
import { and, compare, MONEY, OperandSpec } from './comparisons';
import { FilterContext, isPresent, onlyKeys, readFloat, readInt, readObject } from './filter-context';
import { FilterField } from './filter-field';

/**
 * `lifetimeValue: { probabilityAlive, expectedTransactions, predictedValue, realised, realisedWithinDays }`.
 * The predicted figures are the current model's stored scores (12 months, the model's discount rate), so
 * they do not move with `now`; an unscored customer has none (`probabilityAlive: { _is_null: true }`
 * finds them, other comparisons never match them). `realised` is the realised value over the
 * `realisedWithinDays` days up to now (default 365), computed like Customer.lifetimeValue.realised.
 */
const FLOAT: OperandSpec = {
  name: 'FloatComparison',
  cast: 'float8',
  read: (v, at) => readFloat(v, at),
  ops: ['_eq', '_neq', '_gt', '_gte', '_lt', '_lte', '_is_null'],
};

export const DEFAULT_REALISED_DAYS = 365;
const MAX_REALISED_DAYS = 3660;
const KEYS = ['probabilityAlive', 'expectedTransactions', 'predictedValue', 'realised', 'realisedWithinDays'] as const;

// The filter compiler gets no module settings, so the bank's rates are read from the environment once,
// the same variables the API reads at start-up.
let config: LifetimeValueConfig | undefined;
const rates = () => (config ??= loadLifetimeValueConfig());

const score = (column: string) =>
  `(SELECT flv.${column} FROM customer_lifetime_value flv WHERE flv.customer_id = c.id ORDER BY flv.model_id DESC LIMIT 1)`;

function realisedTotal(ctx: FilterContext, days: number): string {
  const sql = realisedValueSql('c.id', { from: ctx.daysAgo(days), to: ctx.nowSql, now: ctx.nowSql }, rates(), ctx.params);
  return `(SELECT ${sql.total} FROM (SELECT 1) rv_one ${sql.joins})`;
}

function readDays(obj: Record<string, unknown>, at: string): number {
  return isPresent(obj.realisedWithinDays) ? readInt(obj.realisedWithinDays, `${at}.realisedWithinDays`, 1, MAX_REALISED_DAYS) : DEFAULT_REALISED_DAYS;
}

const lifetimeValue: FilterField = {
  condition(value, ctx, at) {
    const obj = readObject(value, at);
    onlyKeys(obj, KEYS, at, 'LifetimeValueFilter');
    const days = readDays(obj, at);
    const conds: string[] = [];
    if (isPresent(obj.probabilityAlive)) conds.push(compare(score('probability_alive'), obj.probabilityAlive, FLOAT, ctx, `${at}.probabilityAlive`));
    if (isPresent(obj.expectedTransactions)) {
      conds.push(compare(score('expected_transactions_12m'), obj.expectedTransactions, FLOAT, ctx, `${at}.expectedTransactions`));
    }
    if (isPresent(obj.predictedValue)) conds.push(compare(score('predicted_value_12m'), obj.predictedValue, MONEY, ctx, `${at}.predictedValue`));
    if (isPresent(obj.realised)) conds.push(compare(realisedTotal(ctx, days), obj.realised, MONEY, ctx, `${at}.realised`));
    return and(conds);
  },
  actual(value, ctx) {
    const days = readDays(readObject(value, 'lifetimeValue'), 'lifetimeValue');
    return `jsonb_build_object(
      'probabilityAlive', ${score('probability_alive')},
      'expectedTransactions', ${score('expected_transactions_12m')},
      'predictedValue', ${score('predicted_value_12m')}::text,
      'realised', ${realisedTotal(ctx, days)}::text)`;
  },
};

export const LIFETIME_VALUE_FIELDS: Record<string, FilterField> = { lifetimeValue };
