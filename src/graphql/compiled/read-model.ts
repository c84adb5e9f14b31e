import { localIdOf } from '../../common/global-id';
import { CompileContext, column, connection, connectionSql, ConnectionSpec, decline, FieldRequest, many, one, ReadModel, RootBuilder } from './compiler';
import { timelineEventsSql } from '../../modules/service-history/service-history.repository';
import { TIMELINE_TYPENAMES } from '../../modules/service-history/service-history.service';
import { timelineSummarySql } from '../../modules/service-history/timeline';
import { base64url, globalId, isoDate, isoDateTime, maskEmail, maskPhone, ownedGlobalId } from './sql-json';

/**
 * What the compiled read path knows: for each GraphQL type, how each field is computed from the row its
 * object is built from. Every expression mirrors the resolver path's repositories and views (same columns,
 * ids, orders and formats); the equivalence test selects every field listed here through both paths.
 */

const text = (c: string) => (row: string) => `${row}.${c}`;
const money = (c: string) => (row: string) => `${row}.${c}::text`;
const instant = (c: string) => (row: string) => isoDateTime(`${row}.${c}`);

/** PII fields: masked in SQL unless the caller sees PII (admins, keys with the `pii` scope). */
const pii =
  (c: string, mask: (e: string) => string) =>
  (ctx: CompileContext, parent: string, field: FieldRequest) => {
    ctx.onlyArgs(field);
    if (ctx.seesPii) {
      ctx.piiSelected = true;
      return `${parent}.${c}`;
    }
    return mask(`${parent}.${c}`);
  };

const newestFirst = (column: string, idColumn = 'id') => (x: string) => ({
  columns: [`${x}.${column}`],
  descending: true,
  sortText: `${x}.${column}::text`,
  id: `${x}.${idColumn}`,
  sortCast: 'timestamptz',
});

const ACCOUNTS: ConnectionSpec = {
  node: 'Account',
  source: (_ctx, parent, x) => ({ from: `account ${x}`, where: [`${x}.customer_id = ${parent}.id`] }),
  order: (x) => ({ columns: [`${x}.opened_at`], descending: false, sortText: `${x}.opened_at::text`, id: `${x}.id`, sortCast: 'timestamptz' }),
};

const CUSTOMER_TRANSACTIONS: ConnectionSpec = {
  node: 'Transaction',
  source: (_ctx, parent, x) => ({ from: `bank_transaction ${x}`, where: [`${x}.customer_id = ${parent}.id`] }),
  order: newestFirst('booked_at'),
};

const ACCOUNT_TRANSACTIONS: ConnectionSpec = {
  node: 'Transaction',
  source: (_ctx, parent, x) => ({ from: `bank_transaction ${x}`, where: [`${x}.customer_id = ${parent}.customer_id`, `${x}.account_id = ${parent}.id`] }),
  order: newestFirst('booked_at'),
};

const PURCHASES: ConnectionSpec = {
  node: 'PartnerPurchase',
  source: (_ctx, parent, x) => ({ from: `partner_purchase ${x}`, where: [`${x}.customer_id = ${parent}.id`] }),
  order: newestFirst('purchased_at'),
};

const SESSIONS: ConnectionSpec = {
  node: 'MobileSession',
  source: (_ctx, parent, x) => ({ from: `mobile_session ${x}`, where: [`${x}.customer_id = ${parent}.customer_id`] }),
  order: newestFirst('started_at'),
};

/** The merged timeline, newest first (service-history.repository.ts timelinePages); `after` declines. */
const SERVICE_HISTORY: ConnectionSpec = {
  node: 'TimelineEvent',
  source: (_ctx, parent, x) => ({ from: `(${timelineEventsSql(`${parent}.id`)}) ${x}`, where: [] }),
  order: (x) => ({
    columns: [`${x}.occurred_at`, `${x}.kind COLLATE "C"`],
    descending: true,
    sortText: `to_char(${x}.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || '|' || ${x}.kind`,
    id: `${x}.source_id`,
    sortCast: null,
  }),
  defaults: { order: 'DESC' },
  cursorValues: () => decline('serviceHistory after a cursor'),
};

const timelineTypename = (x: string) =>
  `CASE ${x}.kind ${Object.entries(TIMELINE_TYPENAMES)
    .map(([kind, typename]) => `WHEN '${kind}' THEN '${typename}'`)
    .join(' ')} END`;

export const READ_MODEL: ReadModel = {
  TimelineEvent: {
    typename: timelineTypename,
    fields: {
      id: column((x) => base64url(`${timelineTypename(x)} || ':' || ${x}.customer_id || '.' || ${x}.source_id`)),
      occurredAt: column(instant('occurred_at')),
      kind: column(text('kind')),
      channel: column(text('channel')),
      summary: column((x) => timelineSummarySql(`${x}.kind`, `${x}.channel`, `${x}.detail`)),
    },
  },
  Customer: {
    fields: {
      id: column((c) => globalId('Customer', `${c}.id`)),
      fullName: column(text('full_name')),
      birthDate: column((c) => isoDate(`${c}.birth_date`)),
      age: column((c) => `date_part('year', age(${c}.birth_date))::int`),
      gender: column(text('gender')),
      occupation: column(text('occupation')),
      incomeBand: column(text('income_band')),
      city: column(text('city')),
      region: column(text('region')),
      interests: column(text('interests')),
      email: pii('email', maskEmail),
      phone: pii('phone', maskPhone),
      createdAt: column(instant('created_at')),
      updatedAt: column(instant('updated_at')),
      homeBranch: one('Branch', (c, x) => `branch ${x} WHERE ${x}.id = ${c}.home_branch_id`),
      accounts: connection(ACCOUNTS),
      transactions: connection(CUSTOMER_TRANSACTIONS),
      mobileBanking: one('MobileBanking', (c, x) => `mobile_enrolment ${x} WHERE ${x}.customer_id = ${c}.id`),
      partnerPurchases: connection(PURCHASES),
      serviceHistory: connection(SERVICE_HISTORY),
      segments: many(
        'SegmentMembership',
        (c, x) => `(SELECT m.since, s.id AS segment_id, s.key, s.name, s.description, s.built_in FROM segment_membership m
                     JOIN segment s ON s.id = m.segment_id WHERE m.customer_id = ${c}.id) ${x}`,
        (x) => `${x}.key`,
      ),
      // Always an object; its fields are null when the customer was not scored (lifetime-value.service.ts).
      lifetimeValue: one(
        'CustomerLifetimeValue',
        (c, x) => `(SELECT s.*, m.id AS model_version, m.horizon_months, m.annual_discount_rate FROM (SELECT 1) one
                     LEFT JOIN LATERAL (SELECT * FROM customer_lifetime_value s WHERE s.customer_id = ${c}.id ORDER BY s.model_id DESC LIMIT 1) s ON true
                     LEFT JOIN lifetime_value_model m ON m.id = s.model_id) ${x}`,
      ),
    },
  },
  Branch: {
    fields: {
      id: column((b) => globalId('Branch', `${b}.id`)),
      code: column(text('code')),
      name: column(text('name')),
      city: column(text('city')),
      region: column(text('region')),
    },
  },
  Account: {
    fields: {
      id: column((a) => ownedGlobalId('Account', a)),
      productType: column(text('product_type')),
      accountNumber: column(text('account_number')),
      currency: column((a) => `${a}.currency::text`),
      status: column(text('status')),
      openedAt: column(instant('opened_at')),
      closedAt: column(instant('closed_at')),
      balance: column(money('balance')),
      creditLimit: column(money('credit_limit')),
      interestRate: column(money('interest_rate')),
      // The newest loan of the account (core-banking.repository.ts loansByAccount).
      loan: one('Loan', (a, x) => `(SELECT * FROM loan l WHERE l.customer_id = ${a}.customer_id AND l.account_id = ${a}.id ORDER BY l.granted_at DESC, l.id DESC LIMIT 1) ${x}`),
      cards: many('Card', (a, x) => `card ${x} WHERE ${x}.customer_id = ${a}.customer_id AND ${x}.account_id = ${a}.id`, (x) => `${x}.issued_at, ${x}.id`),
      standingOrders: many('StandingOrder', (a, x) => `standing_order ${x} WHERE ${x}.customer_id = ${a}.customer_id AND ${x}.account_id = ${a}.id`, (x) => `${x}.id`),
      transactions: connection(ACCOUNT_TRANSACTIONS),
    },
  },
  Transaction: {
    fields: {
      id: column((t) => ownedGlobalId('Transaction', t)),
      bookedAt: column(instant('booked_at')),
      amount: column(money('amount')),
      currency: column((t) => `${t}.currency::text`),
      channel: column(text('channel')),
      counterpartyKind: column(text('counterparty_kind')),
      counterpartyName: column(text('counterparty_name')),
      merchantCategoryCode: column((t) => `${t}.merchant_category_code::text`),
      description: column(text('description')),
      account: one('Account', (t, x) => `account ${x} WHERE ${x}.customer_id = ${t}.customer_id AND ${x}.id = ${t}.account_id`),
    },
  },
  Loan: {
    fields: {
      id: column((l) => ownedGlobalId('Loan', l)),
      principal: column(money('principal')),
      termMonths: column(text('term_months')),
      monthlyPayment: column(money('monthly_payment')),
      status: column(text('status')),
      grantedAt: column(instant('granted_at')),
    },
  },
  StandingOrder: {
    fields: {
      id: column((o) => ownedGlobalId('StandingOrder', o)),
      amount: column(money('amount')),
      currency: column((o) => `${o}.currency::text`),
      purpose: column(text('purpose')),
      recipientBank: column(text('recipient_bank')),
      recipientAccount: column(text('recipient_account')),
    },
  },
  Card: {
    fields: {
      id: column((c) => ownedGlobalId('Card', c)),
      cardType: column(text('card_type')),
      tier: column(text('tier')),
      lastFour: column((c) => `${c}.last_four::text`),
      issuedAt: column(instant('issued_at')),
      partner: one('Partner', (c, x) => `partner ${x} WHERE ${x}.id = ${c}.partner_id`),
    },
  },
  MobileBanking: {
    fields: {
      enrolledAt: column(instant('enrolled_at')),
      activatedAt: column(instant('activated_at')),
      activated: column((e) => `${e}.activated_at IS NOT NULL`),
      transferLimit: column(money('transfer_limit')),
      devices: column(text('devices')),
      lastLoginAt: column((e) => isoDateTime(`(SELECT max(s.started_at) FROM mobile_session s WHERE s.customer_id = ${e}.customer_id)`)),
      sessions: connection(SESSIONS),
    },
  },
  MobileSession: {
    fields: {
      id: column((s) => ownedGlobalId('MobileSession', s)),
      startedAt: column(instant('started_at')),
      durationSeconds: column(text('duration_seconds')),
      featuresUsed: column(text('features_used')),
    },
  },
  PartnerPurchase: {
    fields: {
      id: column((p) => ownedGlobalId('PartnerPurchase', p)),
      purchasedAt: column(instant('purchased_at')),
      amount: column(money('amount')),
      currency: column((p) => `${p}.currency::text`),
      category: column(text('category')),
      merchantCategoryCode: column((p) => `${p}.merchant_category_code::text`),
      partner: one('Partner', (p, x) => `partner ${x} WHERE ${x}.id = ${p}.partner_id`),
    },
  },
  Partner: {
    fields: {
      id: column((p) => globalId('Partner', `${p}.id`)),
      code: column(text('code')),
      name: column(text('name')),
      industry: column(text('industry')),
      coBrandedProduct: column(text('co_branded_product')),
    },
  },
  SegmentMembership: {
    fields: {
      since: column(instant('since')),
      segment: one('Segment', (m, x) => `(SELECT ${m}.key, ${m}.name, ${m}.description, ${m}.built_in) ${x}`),
    },
  },
  Segment: {
    fields: {
      key: column(text('key')),
      name: column(text('name')),
      description: column(text('description')),
      builtIn: column(text('built_in')),
    },
  },
  CustomerLifetimeValue: {
    fields: {
      modelVersion: column((v) => `${v}.model_version::int`),
      probabilityAlive: column((v) => `CASE WHEN ${v}.model_version IS NOT NULL THEN ${v}.probability_alive END`),
      repeatTransactions: column((v) => `CASE WHEN ${v}.model_version IS NOT NULL THEN ${v}.x END`),
      expectedTransactions: column((v) => `CASE WHEN ${v}.model_version IS NOT NULL THEN ${v}.expected_transactions_12m END`),
      expectedAverageSpend: column((v) => `CASE WHEN ${v}.model_version IS NOT NULL THEN ${v}.expected_average_spend::text END`),
      // The stored score answers the model's own horizon and rate; other arguments decline (computed in Node).
      predictedValue: one(
        'PredictedValue',
        (v, x) => `(SELECT ${v}.predicted_value_12m::text AS amount, ${v}.predicted_value_low::text AS low, ${v}.predicted_value_high::text AS high,
                           ${v}.horizon_months, ${v}.annual_discount_rate::float8 AS rate
                     WHERE ${v}.model_version IS NOT NULL AND ${v}.predicted_value_12m IS NOT NULL
                       AND ${v}.predicted_value_low IS NOT NULL AND ${v}.predicted_value_high IS NOT NULL) ${x}`,
      ),
    },
  },
  PredictedValue: {
    fields: {
      amount: column(text('amount')),
      interval: one('MoneyInterval', (p, x) => `(SELECT ${p}.low, ${p}.high) ${x}`),
      horizonMonths: column(text('horizon_months')),
      annualDiscountRate: column(text('rate')),
      level: column(() => '0.8'),
    },
  },
  MoneyInterval: {
    fields: {
      low: column(text('low')),
      high: column(text('high')),
    },
  },
};

/** Root fields the compiled path answers. */
export const READ_ROOTS: Record<string, RootBuilder> = {
  customer(ctx, field) {
    ctx.onlyArgs({ ...field, args: {} });
    const id = field.args.id;
    let localId: string;
    try {
      localId = localIdOf(String(id), 'Customer');
    } catch {
      return decline('not a customer id (the resolver reports it)');
    }
    const c = ctx.alias('r');
    const param = ctx.params.add(localId, 'bigint');
    return {
      json: `(SELECT ${ctx.object('Customer', c, field.selectionSet)} FROM customer ${c} WHERE ${c}.id = ${param})`,
      customerIds: `(SELECT array_agg(${c}.id) FROM customer ${c} WHERE ${c}.id = ${param})`,
    };
  },
  customers(ctx, field) {
    const spec: ConnectionSpec = {
      node: 'Customer',
      source: (_ctx, _parent, x) => ({ from: `customer ${x}`, where: [] }),
      order: (x) => ({ columns: [], descending: false, sortText: null, id: `${x}.id`, sortCast: null }),
    };
    const sql = connectionSql(ctx, '', field, spec);
    return { json: sql.json, customerIds: sql.ids };
  },
};
