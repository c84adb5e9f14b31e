import { badInput } from '../../common/errors';
import { SqlParams } from '../../database/sql';
import { ContactPolicy } from './contact-policy';

/**
 * SQL conditions over a customer row for the customer filter language, with the same definitions as
 * Customer.contactPressure: a contact is any interaction at or before now; windows are (now - days, now], with
 * days of exactly 24 hours (as in contact-policy.ts), whatever the session's time zone.
 * `customerId` is a trusted column expression (e.g. "c.id"); values only enter through params.
 */
const MAX_DAYS = 36_600;

export interface ContactSqlOptions {
  /** Where a bad value is reported (BAD_USER_INPUT field). */
  field?: string;
  /** The clock: a trusted SQL expression already in the statement (e.g. the filter's $n), or an instant. */
  nowSql?: string;
  now?: Date;
}

function checkDays(days: number, field: string): void {
  if (!Number.isInteger(days) || days < 0 || days > MAX_DAYS) throw badInput(field, `days must be a whole number between 0 and ${MAX_DAYS}`);
}

function nowExpr(options: ContactSqlOptions, params: SqlParams): string {
  if (options.nowSql) return options.nowSql;
  return options.now ? params.add(options.now.toISOString(), 'timestamptz') : 'now()';
}

/** true when the customer had no interaction at all in the last `days` days (never-contacted customers included). */
export function noContactWithinDaysSql(customerId: string, days: number, params: SqlParams, options: ContactSqlOptions = {}): string {
  checkDays(days, options.field ?? 'noContactWithinDays');
  const t = nowExpr(options, params);
  return `NOT EXISTS (SELECT 1 FROM interaction ci WHERE ci.customer_id = ${customerId}
            AND ci.occurred_at <= ${t} AND ci.occurred_at > ${t} - make_interval(hours => 24 * ${params.add(days, 'int')}))`;
}

/** Marketing contacts in the policy window, as of the clock. */
export function marketingContactsSql(customerId: string, policy: ContactPolicy, params: SqlParams, options: ContactSqlOptions = {}): string {
  const t = nowExpr(options, params);
  return `(SELECT count(*) FROM interaction ci WHERE ci.customer_id = ${customerId} AND ci.kind = 'MARKETING_CONTACT'
            AND ci.occurred_at <= ${t} AND ci.occurred_at > ${t} - make_interval(hours => 24 * ${params.add(policy.marketingWindowDays, 'int')}))`;
}

/** true when the customer got more marketing contacts in the policy window than the policy allows (isOverContacted). */
export function overContactedSql(customerId: string, policy: ContactPolicy, params: SqlParams, options: ContactSqlOptions = {}): string {
  return `${marketingContactsSql(customerId, policy, params, options)} > ${params.add(policy.maxMarketingContacts, 'int')}`;
}
