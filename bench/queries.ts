// The two requests the bench sends, each in two forms: the GraphQL document Fattail answers and the one
// hand-written SQL statement the floor answers with. Both must return the same JSON (run.ts checks it),
// so every SQL expression below mirrors what Fattail's services do: global ids, cursors, ordering,
// ISO timestamps, money as text, PII masking for a FRONTEND key without the `pii` scope.

/** Page sizes, shared by the GraphQL documents and the SQL so the two cannot drift apart. */
export const LIST = { customers: 50, accounts: 10, transactions: 10, purchases: 5 } as const;
export const PAGE = { accounts: 20, transactions: 20, sessions: 10, purchases: 10, serviceHistory: 10 } as const;

export const LIST_OPERATION = 'CustomersPage';
export const PAGE_OPERATION = 'CustomerPage';

/** Optional parts of the customer page: included when the running schema has the field on Customer. */
export type OptionalPart = 'segments' | 'serviceHistory' | 'lifetimeValue';

export interface SchemaFacts {
  customerFields: Set<string>;
  mutationFields: Set<string>;
}

export interface CustomerPagePlan {
  included: OptionalPart[];
  /** Parts left out, with the reason (printed by run.ts). */
  leftOut: { part: OptionalPart; reason: string }[];
}

// ---- SQL building blocks ----------------------------------------------------------------------------

/** Relay global id: base64url("Type:localId") without padding (src/common/global-id.ts). */
const gid = (type: string, localId: string) => `translate(encode(convert_to('${type}:' || ${localId}, 'UTF8'), 'base64'), E'+/=\\n', '-_')`;
/** Customer-owned rows are addressed as "customerId.id". */
const ownedGid = (type: string, alias: string) => gid(type, `${alias}.customer_id || '.' || ${alias}.id`);
/** graphql-scalars' DateTime: Date.toISOString(), millisecond precision, UTC. */
const iso = (expr: string) => `to_char(${expr} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
/** Relay cursor: base64url(JSON [sortValue, id]) (src/common/pagination.ts); sort value is `column::text`. */
const cursor = (sortText: string, id: string) =>
  `translate(encode(convert_to('[' || coalesce('"' || ${sortText} || '"', 'null') || ',"' || ${id} || '"]', 'UTF8'), 'base64'), E'+/=\\n', '-_')`;

/** src/modules/access/masking.ts maskEmail. */
const maskEmail = (e: string) =>
  `CASE WHEN ${e} IS NULL THEN NULL WHEN strpos(reverse(${e}), '@') IN (0, length(${e})) THEN '****'
        ELSE left(${e}, 1) || '***' || right(${e}, strpos(reverse(${e}), '@')) END`;
/** src/modules/access/masking.ts maskPhone. */
const maskPhone = (p: string) => {
  const digits = `regexp_replace(${p}, '\\D', '', 'g')`;
  return `CASE WHEN ${p} IS NULL THEN NULL WHEN length(${digits}) < 7 THEN repeat('*', length(${p}))
        ELSE CASE WHEN ${p} LIKE '+%' THEN '+' ELSE '' END
             || left(${digits}, CASE WHEN length(${digits}) > 11 THEN length(${digits}) - 8 ELSE 3 END) || '****' || right(${digits}, 4) END`;
};

const profileSql = (c: string) => `
  'id', ${gid('Customer', `${c}.id`)}, 'fullName', ${c}.full_name, 'birthDate', to_char(${c}.birth_date, 'YYYY-MM-DD'),
  'age', date_part('year', age(${c}.birth_date))::int, 'gender', ${c}.gender, 'occupation', ${c}.occupation,
  'incomeBand', ${c}.income_band, 'city', ${c}.city, 'region', ${c}.region, 'interests', ${c}.interests,
  'email', ${maskEmail(`${c}.email`)}, 'phone', ${maskPhone(`${c}.phone`)}, 'createdAt', ${iso(`${c}.created_at`)}`;

const accountSql = (a: string) => `
  'id', ${ownedGid('Account', a)}, 'productType', ${a}.product_type, 'accountNumber', ${a}.account_number,
  'currency', ${a}.currency::text, 'status', ${a}.status, 'openedAt', ${iso(`${a}.opened_at`)}, 'closedAt', ${iso(`${a}.closed_at`)},
  'balance', ${a}.balance::text, 'creditLimit', ${a}.credit_limit::text, 'interestRate', ${a}.interest_rate::text`;

const transactionSql = (t: string) => `
  'id', ${ownedGid('Transaction', t)}, 'bookedAt', ${iso(`${t}.booked_at`)}, 'amount', ${t}.amount::text, 'currency', ${t}.currency::text,
  'channel', ${t}.channel, 'counterpartyKind', ${t}.counterparty_kind, 'counterpartyName', ${t}.counterparty_name,
  'merchantCategoryCode', ${t}.merchant_category_code::text, 'description', ${t}.description`;

const partnerSql = (p: string) => `json_build_object('id', ${gid('Partner', `${p}.id`)}, 'code', ${p}.code, 'name', ${p}.name, 'industry', ${p}.industry)`;

const purchaseSql = (pp: string, p: string) => `
  'id', ${ownedGid('PartnerPurchase', pp)}, 'purchasedAt', ${iso(`${pp}.purchased_at`)}, 'amount', ${pp}.amount::text,
  'currency', ${pp}.currency::text, 'category', ${pp}.category, 'merchantCategoryCode', ${pp}.merchant_category_code::text,
  'partner', ${partnerSql(p)}`;

/** `[]` instead of NULL for an empty aggregate. */
const edges = (agg: string) => `coalesce(${agg}, '[]'::json)`;

/**
 * A forward page with pageInfo: the rows come LIMIT n+1 with row numbers `n`; edges keep n <= limit,
 * hasNextPage says whether row limit+1 exists, endCursor is the last kept row's cursor.
 */
const pagedConnection = (rows: string, node: string, order: string, cursorExpr: string, limit: number, join = '') => `(
  SELECT json_build_object(
    'edges', ${edges(`json_agg(json_build_object('node', ${node}) ORDER BY ${order}) FILTER (WHERE x.n <= ${limit})`)},
    'pageInfo', json_build_object('hasNextPage', count(*) > ${limit},
                                  'endCursor', (array_agg(${cursorExpr} ORDER BY x.n DESC) FILTER (WHERE x.n <= ${limit}))[1]))
  FROM (${rows}) x ${join})`;

// ---- (a) a list page: 50 customers, their accounts with recent transactions, recent partner purchases --

export const LIST_QUERY = `query ${LIST_OPERATION} {
  customers(first: ${LIST.customers}) {
    edges {
      node {
        id fullName birthDate age gender occupation incomeBand city region interests email phone createdAt
        accounts(first: ${LIST.accounts}) {
          edges {
            node {
              id productType accountNumber currency status openedAt closedAt balance creditLimit interestRate
              transactions(first: ${LIST.transactions}) {
                edges { node { id bookedAt amount currency channel counterpartyKind counterpartyName merchantCategoryCode description } }
              }
            }
          }
        }
        partnerPurchases(first: ${LIST.purchases}) {
          edges { node { id purchasedAt amount currency category merchantCategoryCode partner { id code name industry } } }
        }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

// Customers by id (the default order); accounts by (opened_at, id); transactions and purchases newest first.
export const LIST_SQL = `
SELECT json_build_object('data', json_build_object('customers', ${pagedConnection(
  `SELECT c.*, row_number() OVER (ORDER BY c.id) AS n FROM customer c ORDER BY c.id LIMIT ${LIST.customers + 1}`,
  `json_build_object(${profileSql('x')},
     'accounts', json_build_object('edges', (
        SELECT ${edges(`json_agg(json_build_object('node', json_build_object(${accountSql('a')},
                 'transactions', json_build_object('edges', (
                    SELECT ${edges(`json_agg(json_build_object('node', json_build_object(${transactionSql('t')})) ORDER BY t.booked_at DESC, t.id DESC)`)}
                      FROM (SELECT * FROM bank_transaction t WHERE t.customer_id = a.customer_id AND t.account_id = a.id
                             ORDER BY t.booked_at DESC, t.id DESC LIMIT ${LIST.transactions}) t))))
               ORDER BY a.opened_at, a.id)`)}
          FROM (SELECT * FROM account a WHERE a.customer_id = x.id ORDER BY a.opened_at, a.id LIMIT ${LIST.accounts}) a)),
     'partnerPurchases', json_build_object('edges', (
        SELECT ${edges(`json_agg(json_build_object('node', json_build_object(${purchaseSql('pp', 'p')})) ORDER BY pp.purchased_at DESC, pp.id DESC)`)}
          FROM (SELECT * FROM partner_purchase pp WHERE pp.customer_id = x.id ORDER BY pp.purchased_at DESC, pp.id DESC LIMIT ${LIST.purchases}) pp
          JOIN partner p ON p.id = pp.partner_id)))`,
  'x.id',
  cursor('NULL', 'x.id::text'),
  LIST.customers,
)}))::text AS body`;

// ---- (b) a customer page: one customer by id with everything the page shows -------------------------

const SEGMENTS_GQL = `segments { segment { key name } since }`;
const SEGMENTS_SQL = `'segments', (
  SELECT ${edges(`json_agg(json_build_object('segment', json_build_object('key', s.key, 'name', s.name), 'since', ${iso('m.since')}) ORDER BY s.key)`)}
    FROM segment_membership m JOIN segment s ON s.id = m.segment_id WHERE m.customer_id = c.id)`;

const SERVICE_HISTORY_GQL = `serviceHistory(first: ${PAGE.serviceHistory}) {
      edges { node { __typename id occurredAt kind channel summary } }
      pageInfo { hasNextPage endCursor }
    }`;

// The merged timeline (service-history.repository.ts): every source for this customer, newest first by
// (occurred_at, kind in byte order, source id); the summary line as timeline.ts writes it.
const TIMELINE_SOURCES_SQL = `
  SELECT i.occurred_at, i.kind, i.id AS source_id, i.channel, 'InteractionEvent' AS typename,
         upper(left(lower(replace(i.kind, '_', ' ')), 1)) || substr(lower(replace(i.kind, '_', ' ')), 2)
           || ' via ' || lower(replace(i.channel, '_', ' ')) || coalesce(' (' || lower(replace(i.outcome, '_', ' ')) || ')', '') AS summary
    FROM interaction i WHERE i.customer_id = c.id
  UNION ALL
  SELECT a.opened_at, 'ACCOUNT_OPENED', a.id, NULL, 'AccountOpenedEvent',
         'Opened ' || CASE WHEN a.product_type ~* '^[aeiou]' THEN 'an ' ELSE 'a ' END || lower(replace(a.product_type, '_', ' ')) || ' account'
    FROM account a WHERE a.customer_id = c.id
  UNION ALL
  SELECT a.closed_at, 'ACCOUNT_CLOSED', a.id, NULL, 'AccountClosedEvent',
         'Closed ' || CASE WHEN a.product_type ~* '^[aeiou]' THEN 'an ' ELSE 'a ' END || lower(replace(a.product_type, '_', ' ')) || ' account'
    FROM account a WHERE a.customer_id = c.id AND a.closed_at IS NOT NULL
  UNION ALL
  SELECT l.granted_at, 'LOAN_GRANTED', l.id, NULL, 'LoanGrantedEvent',
         'Loan of ' || l.principal::text || ' granted over ' || l.term_months || ' months'
    FROM loan l WHERE l.customer_id = c.id
  UNION ALL
  SELECT e.enrolled_at, 'MOBILE_ENROLLED', e.id, 'MOBILE_APP', 'MobileEnrolledEvent', 'Enrolled in mobile banking'
    FROM mobile_enrolment e WHERE e.customer_id = c.id
  UNION ALL
  SELECT e.activated_at, 'MOBILE_ACTIVATED', e.id, 'MOBILE_APP', 'MobileActivatedEvent', 'Activated mobile banking'
    FROM mobile_enrolment e WHERE e.customer_id = c.id AND e.activated_at IS NOT NULL
  UNION ALL
  SELECT * FROM (
    SELECT DISTINCT ON (pp.partner_id) pp.purchased_at, 'FIRST_PARTNER_PURCHASE', pp.id, 'PARTNER', 'FirstPartnerPurchaseEvent',
           'First purchase with ' || p.name || ' (' || pp.amount::text || ' ' || pp.currency::text || ')'
      FROM partner_purchase pp JOIN partner p ON p.id = pp.partner_id WHERE pp.customer_id = c.id
     ORDER BY pp.partner_id, pp.purchased_at, pp.id) first_purchase
  UNION ALL
  SELECT st.at, CASE st.kind WHEN 'ENTER' THEN 'SEGMENT_ENTERED' ELSE 'SEGMENT_EXITED' END, st.id, NULL,
         CASE st.kind WHEN 'ENTER' THEN 'SegmentEnteredEvent' ELSE 'SegmentExitedEvent' END,
         CASE st.kind WHEN 'ENTER' THEN 'Entered' ELSE 'Left' END || ' the segment "' || s.name || '"'
    FROM segment_transition st JOIN segment s ON s.id = st.segment_id WHERE st.customer_id = c.id`;

const SERVICE_HISTORY_SQL = `'serviceHistory', ${pagedConnection(
  `SELECT ev.*, row_number() OVER (ORDER BY ev.occurred_at DESC, ev.kind COLLATE "C" DESC, ev.source_id DESC) AS n
     FROM (${TIMELINE_SOURCES_SQL}) ev(occurred_at, kind, source_id, channel, typename, summary)
    ORDER BY ev.occurred_at DESC, ev.kind COLLATE "C" DESC, ev.source_id DESC LIMIT ${PAGE.serviceHistory + 1}`,
  `json_build_object('__typename', x.typename, 'id', translate(encode(convert_to(x.typename || ':' || c.id || '.' || x.source_id, 'UTF8'), 'base64'), E'+/=\\n', '-_'),
     'occurredAt', ${iso('x.occurred_at')}, 'kind', x.kind, 'channel', x.channel, 'summary', x.summary)`,
  'x.n',
  cursor(`to_char(x.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || '|' || x.kind`, 'x.source_id::text'),
  PAGE.serviceHistory,
)}`;

const LIFETIME_VALUE_GQL = `lifetimeValue {
      modelVersion probabilityAlive expectedAverageSpend
      predictedValue { amount interval { low high } horizonMonths }
    }`;

// The stored score of the current model (lifetime-value.service.ts): the model's own horizon and rate, so the
// stored predicted value answers; every field is null when the customer was not scored.
const LIFETIME_VALUE_SQL = `'lifetimeValue', (
  SELECT json_build_object('modelVersion', m.id::int,
    'probabilityAlive', CASE WHEN m.id IS NOT NULL THEN s.probability_alive END,
    'expectedAverageSpend', CASE WHEN m.id IS NOT NULL THEN s.expected_average_spend::text END,
    'predictedValue', CASE WHEN m.id IS NOT NULL AND s.predicted_value_12m IS NOT NULL AND s.predicted_value_low IS NOT NULL AND s.predicted_value_high IS NOT NULL
      THEN json_build_object('amount', s.predicted_value_12m::text,
             'interval', json_build_object('low', s.predicted_value_low::text, 'high', s.predicted_value_high::text), 'horizonMonths', m.horizon_months) END)
    FROM (SELECT 1) one
    LEFT JOIN LATERAL (SELECT * FROM customer_lifetime_value s WHERE s.customer_id = c.id ORDER BY s.model_id DESC LIMIT 1) s ON true
    LEFT JOIN lifetime_value_model m ON m.id = s.model_id)`;

/** Which optional parts the running schema supports (the bench has floor SQL for each). */
export function planCustomerPage(facts: SchemaFacts): CustomerPagePlan {
  const included: OptionalPart[] = [];
  const leftOut: CustomerPagePlan['leftOut'] = [];
  for (const part of ['segments', 'lifetimeValue', 'serviceHistory'] as const) {
    if (facts.customerFields.has(part)) included.push(part);
    else leftOut.push({ part, reason: `Customer.${part} is not in the running schema` });
  }
  return { included, leftOut };
}

export function customerPageQuery(plan: CustomerPagePlan): string {
  const optional = [
    plan.included.includes('segments') ? SEGMENTS_GQL : '',
    plan.included.includes('lifetimeValue') ? LIFETIME_VALUE_GQL : '',
    plan.included.includes('serviceHistory') ? SERVICE_HISTORY_GQL : '',
  ].filter(Boolean);
  return `query ${PAGE_OPERATION}($id: ID!) {
  customer(id: $id) {
    id fullName birthDate age gender occupation incomeBand city region interests email phone createdAt updatedAt
    homeBranch { id code name city region }
    accounts(first: ${PAGE.accounts}) {
      edges {
        node {
          id productType accountNumber currency status openedAt closedAt balance creditLimit interestRate
          loan { id principal termMonths monthlyPayment status grantedAt }
          cards { id cardType tier lastFour issuedAt }
        }
      }
    }
    transactions(first: ${PAGE.transactions}) {
      edges { node { id bookedAt amount currency channel counterpartyKind counterpartyName merchantCategoryCode description account { id accountNumber } } }
      pageInfo { hasNextPage endCursor }
    }
    mobileBanking {
      enrolledAt activatedAt activated transferLimit devices lastLoginAt
      sessions(first: ${PAGE.sessions}) {
        edges { node { id startedAt durationSeconds featuresUsed } }
        pageInfo { hasNextPage endCursor }
      }
    }
    partnerPurchases(first: ${PAGE.purchases}) {
      edges { node { id purchasedAt amount currency category merchantCategoryCode partner { id code name industry } } }
      pageInfo { hasNextPage endCursor }
    }
    ${optional.join('\n    ')}
  }
}`;
}

/** $1: the customer's local id (bigint). A missing customer gives {"data":{"customer":null}}, as Fattail does. */
export function customerPageSql(plan: CustomerPagePlan): string {
  const optional = [
    plan.included.includes('segments') ? SEGMENTS_SQL : '',
    plan.included.includes('lifetimeValue') ? LIFETIME_VALUE_SQL : '',
    plan.included.includes('serviceHistory') ? SERVICE_HISTORY_SQL : '',
  ].filter(Boolean);
  return `
SELECT json_build_object('data', json_build_object('customer', (
  SELECT json_build_object(${profileSql('c')}, 'updatedAt', ${iso('c.updated_at')},
    'homeBranch', (SELECT json_build_object('id', ${gid('Branch', 'b.id')}, 'code', b.code, 'name', b.name, 'city', b.city, 'region', b.region)
                     FROM branch b WHERE b.id = c.home_branch_id),
    'accounts', json_build_object('edges', (
      SELECT ${edges(`json_agg(json_build_object('node', json_build_object(${accountSql('a')},
               'loan', (SELECT json_build_object('id', ${ownedGid('Loan', 'l')}, 'principal', l.principal::text, 'termMonths', l.term_months,
                               'monthlyPayment', l.monthly_payment::text, 'status', l.status, 'grantedAt', ${iso('l.granted_at')})
                          FROM loan l WHERE l.customer_id = a.customer_id AND l.account_id = a.id
                         ORDER BY l.granted_at DESC, l.id DESC LIMIT 1),
               'cards', (SELECT ${edges(`json_agg(json_build_object('id', ${ownedGid('Card', 'cd')}, 'cardType', cd.card_type, 'tier', cd.tier,
                                        'lastFour', cd.last_four::text, 'issuedAt', ${iso('cd.issued_at')}) ORDER BY cd.issued_at, cd.id)`)}
                           FROM card cd WHERE cd.customer_id = a.customer_id AND cd.account_id = a.id)
             )) ORDER BY a.opened_at, a.id)`)}
        FROM (SELECT * FROM account a WHERE a.customer_id = c.id ORDER BY a.opened_at, a.id LIMIT ${PAGE.accounts}) a)),
    'transactions', ${pagedConnection(
      `SELECT t.*, a.account_number, row_number() OVER (ORDER BY t.booked_at DESC, t.id DESC) AS n
         FROM (SELECT * FROM bank_transaction t WHERE t.customer_id = c.id ORDER BY t.booked_at DESC, t.id DESC LIMIT ${PAGE.transactions + 1}) t
         JOIN account a ON a.customer_id = t.customer_id AND a.id = t.account_id`,
      `json_build_object(${transactionSql('x')},
         'account', json_build_object('id', ${gid('Account', `x.customer_id || '.' || x.account_id`)}, 'accountNumber', x.account_number))`,
      'x.n',
      cursor('x.booked_at::text', 'x.id::text'),
      PAGE.transactions,
    )},
    'mobileBanking', (
      SELECT json_build_object('enrolledAt', ${iso('e.enrolled_at')}, 'activatedAt', ${iso('e.activated_at')}, 'activated', e.activated_at IS NOT NULL,
        'transferLimit', e.transfer_limit::text, 'devices', e.devices,
        'lastLoginAt', ${iso('(SELECT max(s.started_at) FROM mobile_session s WHERE s.customer_id = e.customer_id)')},
        'sessions', ${pagedConnection(
          `SELECT s.*, row_number() OVER (ORDER BY s.started_at DESC, s.id DESC) AS n FROM mobile_session s
            WHERE s.customer_id = e.customer_id ORDER BY s.started_at DESC, s.id DESC LIMIT ${PAGE.sessions + 1}`,
          `json_build_object('id', ${ownedGid('MobileSession', 'x')}, 'startedAt', ${iso('x.started_at')}, 'durationSeconds', x.duration_seconds,
             'featuresUsed', x.features_used)`,
          'x.n',
          cursor('x.started_at::text', 'x.id::text'),
          PAGE.sessions,
        )})
      FROM mobile_enrolment e WHERE e.customer_id = c.id),
    'partnerPurchases', ${pagedConnection(
      `SELECT pp.*, row_number() OVER (ORDER BY pp.purchased_at DESC, pp.id DESC) AS n FROM partner_purchase pp
        WHERE pp.customer_id = c.id ORDER BY pp.purchased_at DESC, pp.id DESC LIMIT ${PAGE.purchases + 1}`,
      `json_build_object(${purchaseSql('x', 'p')})`,
      'x.n',
      cursor('x.purchased_at::text', 'x.id::text'),
      PAGE.purchases,
      'JOIN partner p ON p.id = x.partner_id',
    )}${optional.map((o) => `,\n    ${o}`).join('')})
  FROM customer c WHERE c.id = $1::bigint)))::text AS body`;
}
