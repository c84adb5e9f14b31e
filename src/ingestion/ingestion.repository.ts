import { RecordType, Rejection, ValidRecord } from './records';
import { SqlSession } from './sql-session';

/** Counts of one set-based upsert. `unchanged` = staged - inserted - updated - parked - rejected. */
export interface WriteCounts {
  inserted: number;
  updated: number;
  unchanged: number;
  parked: number;
  rejected: Rejection[];
  /** Cards written with a number: whom their CARD identifier belongs to (the holder, else the account owner). */
  cardLinks?: { key: string; holderCustomerId: string; cardHash: string }[];
}

interface StageColumn {
  name: string;
  type: string;
  value: (r: ValidRecord) => unknown;
}

interface TypeSpec {
  table: string;
  columns: StageColumn[];
  /** Which parent a child waits for in ingest_pending. */
  parent: { type: 'account' | 'customer'; keyColumn: string };
  /** Predicate over stage row `s` ($1 = source system): every parent the upsert joins to exists. */
  parentsExist: string;
  /** Rows to refuse before upserting, with the reason. */
  rejectWhen?: { predicate: string; field: string; reason: string }[];
  /** INSERT ... SELECT ... ON CONFLICT ... RETURNING (xmax = 0) AS inserted, reading stage alias s. */
  upsert: string;
}

const v = (field: string) => (r: ValidRecord) => r.values[field] ?? null;
const col = (name: string, type: string, field: string): StageColumn => ({ name, type, value: v(field) });
const common: StageColumn[] = [
  { name: 'source_key', type: 'text', value: (r) => r.key },
  { name: '_file', type: 'text', value: (r) => r.file },
  { name: '_line', type: 'integer', value: (r) => r.line },
];

const accountJoin = `account a ON a.source_system = $1 AND a.source_key = s.account_key`;
const customerJoin = `customer_source cs ON cs.source_system = $1 AND cs.source_key = s.customer_key`;
const accountExists = `EXISTS (SELECT 1 FROM account a WHERE a.source_system = $1 AND a.source_key = s.account_key)`;
const customerExists = `EXISTS (SELECT 1 FROM customer_source cs WHERE cs.source_system = $1 AND cs.source_key = s.customer_key)`;

/**
 * INSERT ... SELECT ... ON CONFLICT (source_system, source_key) DO UPDATE only where the row differs, so an
 * identical re-send touches nothing; RETURNING xmax = 0 tells inserts from updates.
 */
function upsertSql(table: string, cols: Record<string, string>, from: string, opts: { fixed?: string[]; touch?: string } = {}): string {
  const names = Object.keys(cols);
  const updatable = names.filter((n) => n !== 'source_system' && n !== 'source_key' && !(opts.fixed ?? []).includes(n));
  const set = updatable.map((n) => `${n} = EXCLUDED.${n}`).concat(opts.touch ? [`${opts.touch} = now()`] : []);
  return `
    INSERT INTO ${table} AS t (${names.join(', ')})
    SELECT ${names.map((n) => cols[n]).join(', ')} FROM ${from}
    ON CONFLICT (source_system, source_key) DO UPDATE SET ${set.join(', ')}
    WHERE (${updatable.map((n) => `t.${n}`).join(', ')}) IS DISTINCT FROM (${updatable.map((n) => `EXCLUDED.${n}`).join(', ')})
    RETURNING (t.xmax = 0) AS inserted`;
}

export const TYPE_SPECS: Partial<Record<RecordType, TypeSpec>> = {
  account: {
    table: 'account',
    columns: [
      ...common,
      col('customer_key', 'text', 'customerKey'),
      col('product_type', 'text', 'productType'),
      col('account_number', 'text', 'accountNumber'),
      col('currency', 'text', 'currency'),
      col('status', 'text', 'status'),
      col('opened_at', 'timestamptz', 'openedAt'),
      col('closed_at', 'timestamptz', 'closedAt'),
      col('balance', 'numeric', 'balance'),
      col('credit_limit', 'numeric', 'creditLimit'),
      col('interest_rate', 'numeric', 'interestRate'),
      col('source_codes', 'jsonb', 'sourceCodes'),
    ],
    parent: { type: 'customer', keyColumn: 'customer_key' },
    parentsExist: customerExists,
    // The owner is fixed once the account exists: moving an account between customers is a merge's job.
    upsert: upsertSql(
      'account',
      {
        customer_id: 'cs.customer_id',
        source_system: '$1',
        source_key: 's.source_key',
        product_type: 's.product_type',
        account_number: 's.account_number',
        currency: `coalesce(s.currency, 'CNY')`,
        status: `coalesce(s.status, 'OPEN')`,
        opened_at: 's.opened_at',
        closed_at: 's.closed_at',
        balance: 'coalesce(s.balance, 0)',
        credit_limit: 's.credit_limit',
        interest_rate: 's.interest_rate',
        source_codes: 's.source_codes',
      },
      `stage_account s JOIN ${customerJoin}`,
      { fixed: ['customer_id'], touch: 'updated_at' },
    ),
  },
  account_holder: {
    table: 'account_holder',
    columns: [...common, col('account_key', 'text', 'accountKey'), col('customer_key', 'text', 'customerKey'), col('role', 'text', 'role')],
    parent: { type: 'account', keyColumn: 'account_key' },
    parentsExist: `${accountExists} AND ${customerExists}`,
    upsert: upsertSql(
      'account_holder',
      {
        customer_id: 'a.customer_id',
        account_id: 'a.id',
        holder_customer_id: 'cs.customer_id',
        role: 's.role',
        source_system: '$1',
        source_key: 's.source_key',
      },
      `stage_account_holder s JOIN ${accountJoin} JOIN ${customerJoin}`,
    ),
  },
  card: {
    table: 'card',
    columns: [
      ...common,
      col('account_key', 'text', 'accountKey'),
      col('customer_key', 'text', 'customerKey'),
      col('last_four', 'text', 'lastFour'),
      col('card_type', 'text', 'cardType'),
      col('tier', 'text', 'tier'),
      col('partner_code', 'text', 'partnerCode'),
      col('issued_at', 'timestamptz', 'issuedAt'),
      col('source_codes', 'jsonb', 'sourceCodes'),
      { name: 'card_hash', type: 'text', value: (r) => r.identifiers?.cardHash ?? null },
    ],
    parent: { type: 'account', keyColumn: 'account_key' },
    parentsExist: `${accountExists} AND (s.customer_key IS NULL OR ${customerExists})`,
    rejectWhen: [
      {
        predicate: `s.partner_code IS NOT NULL AND NOT EXISTS (SELECT 1 FROM partner p WHERE p.code = s.partner_code)`,
        field: 'partnerCode',
        reason: 'unknown partner code',
      },
    ],
    upsert: upsertSql(
      'card',
      {
        customer_id: 'a.customer_id',
        account_id: 'a.id',
        source_system: '$1',
        source_key: 's.source_key',
        card_type: 's.card_type',
        tier: `coalesce(s.tier, 'CLASSIC')`,
        partner_id: '(SELECT p.id FROM partner p WHERE p.code = s.partner_code)',
        last_four: 's.last_four',
        issued_at: 's.issued_at',
        source_codes: 's.source_codes',
      },
      `stage_card s JOIN ${accountJoin}`,
    ),
  },
  loan: {
    table: 'loan',
    columns: [
      ...common,
      col('account_key', 'text', 'accountKey'),
      col('principal', 'numeric', 'principal'),
      col('term_months', 'integer', 'termMonths'),
      col('monthly_payment', 'numeric', 'monthlyPayment'),
      col('status', 'text', 'status'),
      col('granted_at', 'timestamptz', 'grantedAt'),
      col('source_codes', 'jsonb', 'sourceCodes'),
    ],
    parent: { type: 'account', keyColumn: 'account_key' },
    parentsExist: accountExists,
    upsert: upsertSql(
      'loan',
      {
        customer_id: 'a.customer_id',
        account_id: 'a.id',
        source_system: '$1',
        source_key: 's.source_key',
        principal: 's.principal',
        term_months: 's.term_months',
        monthly_payment: 's.monthly_payment',
        status: 's.status',
        granted_at: 's.granted_at',
        source_codes: 's.source_codes',
      },
      `stage_loan s JOIN ${accountJoin}`,
    ),
  },
  transaction: {
    table: 'bank_transaction',
    columns: [
      ...common,
      col('account_key', 'text', 'accountKey'),
      col('booked_at', 'timestamptz', 'bookedAt'),
      col('amount', 'numeric', 'amount'),
      col('currency', 'text', 'currency'),
      col('channel', 'text', 'channel'),
      col('counterparty_kind', 'text', 'counterpartyKind'),
      col('counterparty_name', 'text', 'counterpartyName'),
      col('merchant_category_code', 'text', 'merchantCategoryCode'),
      col('description', 'text', 'description'),
      col('source_codes', 'jsonb', 'sourceCodes'),
    ],
    parent: { type: 'account', keyColumn: 'account_key' },
    parentsExist: accountExists,
    upsert: upsertSql(
      'bank_transaction',
      {
        customer_id: 'a.customer_id',
        account_id: 'a.id',
        source_system: '$1',
        source_key: 's.source_key',
        booked_at: 's.booked_at',
        amount: 's.amount',
        // An absent currency is the account's.
        currency: 'coalesce(s.currency, a.currency)',
        channel: 's.channel',
        counterparty_kind: 's.counterparty_kind',
        counterparty_name: 's.counterparty_name',
        merchant_category_code: 's.merchant_category_code',
        description: 's.description',
        source_codes: 's.source_codes',
      },
      `stage_transaction s JOIN ${accountJoin}`,
    ),
  },
  enrolment: {
    table: 'mobile_enrolment',
    columns: [
      ...common,
      col('customer_key', 'text', 'customerKey'),
      col('enrolled_at', 'timestamptz', 'enrolledAt'),
      col('activated_at', 'timestamptz', 'activatedAt'),
      col('transfer_limit', 'numeric', 'transferLimit'),
      col('devices', 'jsonb', 'devices'),
    ],
    parent: { type: 'customer', keyColumn: 'customer_key' },
    parentsExist: customerExists,
    rejectWhen: [
      {
        predicate: `EXISTS (SELECT 1 FROM customer_source cs JOIN mobile_enrolment e ON e.customer_id = cs.customer_id
                     WHERE cs.source_system = $1 AND cs.source_key = s.customer_key AND NOT (e.source_system = $1 AND e.source_key = s.source_key))`,
        field: 'customerKey',
        reason: 'the customer already has another mobile enrolment (one per customer)',
      },
    ],
    upsert: upsertSql(
      'mobile_enrolment',
      {
        customer_id: 'cs.customer_id',
        source_system: '$1',
        source_key: 's.source_key',
        enrolled_at: 's.enrolled_at',
        activated_at: 's.activated_at',
        transfer_limit: 'coalesce(s.transfer_limit, 0)',
        devices: `ARRAY(SELECT jsonb_array_elements_text(coalesce(s.devices, '[]'::jsonb)))`,
      },
      `stage_enrolment s JOIN ${customerJoin}`,
    ),
  },
  session: {
    table: 'mobile_session',
    columns: [
      ...common,
      col('customer_key', 'text', 'customerKey'),
      col('started_at', 'timestamptz', 'startedAt'),
      col('duration_seconds', 'integer', 'durationSeconds'),
      col('features_used', 'jsonb', 'featuresUsed'),
    ],
    parent: { type: 'customer', keyColumn: 'customer_key' },
    parentsExist: customerExists,
    upsert: upsertSql(
      'mobile_session',
      {
        customer_id: 'cs.customer_id',
        source_system: '$1',
        source_key: 's.source_key',
        started_at: 's.started_at',
        duration_seconds: 's.duration_seconds',
        features_used: `ARRAY(SELECT jsonb_array_elements_text(coalesce(s.features_used, '[]'::jsonb)))`,
      },
      `stage_session s JOIN ${customerJoin}`,
    ),
  },
  purchase: {
    table: 'partner_purchase',
    columns: [
      ...common,
      col('customer_key', 'text', 'customerKey'),
      col('purchased_at', 'timestamptz', 'purchasedAt'),
      col('amount', 'numeric', 'amount'),
      col('currency', 'text', 'currency'),
      col('category', 'text', 'category'),
      col('merchant_category_code', 'text', 'merchantCategoryCode'),
      col('source_codes', 'jsonb', 'sourceCodes'),
    ],
    parent: { type: 'customer', keyColumn: 'customer_key' },
    parentsExist: customerExists,
    upsert: upsertSql(
      'partner_purchase',
      {
        customer_id: 'cs.customer_id',
        partner_id: '$2::bigint',
        source_system: '$1',
        source_key: 's.source_key',
        purchased_at: 's.purchased_at',
        amount: 's.amount',
        currency: `coalesce(s.currency, 'CNY')`,
        category: 's.category',
        merchant_category_code: 's.merchant_category_code',
        source_codes: 's.source_codes',
      },
      `stage_purchase s JOIN ${customerJoin}`,
    ),
  },
};

/** Advisory lock key for ingestion ("fattail-ingest" as a number). */
export const INGESTION_LOCK = 0x66747467;

/**
 * SQL for staging, upserting, parking late children and promoting them. All set-based: one statement per
 * step per batch, whatever the batch size.
 */
export class IngestionRepository {
  constructor(private readonly sql: SqlSession) {}

  /** Per-run table of keys seen, so a key repeated anywhere in one file is caught without holding keys in memory. */
  async createSeenTable(): Promise<void> {
    await this.sql.exec(`CREATE TEMP TABLE IF NOT EXISTS ingest_seen (record_type text, source_key text, source_file text, line integer, PRIMARY KEY (record_type, source_key))`);
    await this.sql.exec(`TRUNCATE ingest_seen`);
  }

  /** Records the batch's keys; returns those already seen earlier in the file (with where). */
  async markSeen(type: RecordType, records: ValidRecord[]): Promise<Map<string, { file: string; line: number }>> {
    const rows = await this.sql.rows<{ source_key: string; source_file: string; line: number }>(
      `WITH batch AS (SELECT * FROM unnest($2::text[], $3::text[], $4::int[]) AS b(source_key, source_file, line)),
       ins AS (INSERT INTO ingest_seen SELECT $1, source_key, source_file, line FROM batch ON CONFLICT DO NOTHING RETURNING source_key)
       SELECT s.source_key, s.source_file, s.line FROM ingest_seen s JOIN batch b USING (source_key)
       WHERE s.record_type = $1 AND b.source_key NOT IN (SELECT source_key FROM ins)`,
      [type, records.map((r) => r.key), records.map((r) => r.file), records.map((r) => r.line)],
    );
    return new Map(rows.map((r) => [r.source_key, { file: r.source_file, line: r.line }]));
  }

  private async createStage(type: RecordType): Promise<TypeSpec> {
    const spec = TYPE_SPECS[type]!;
    // Promotion may stage the same type again within the batch's transaction.
    await this.sql.exec(`DROP TABLE IF EXISTS pg_temp.stage_${type}`);
    await this.sql.exec(`CREATE TEMP TABLE stage_${type} (${spec.columns.map((c) => `${c.name} ${c.type}`).join(', ')}) ON COMMIT DROP`);
    return spec;
  }

  /**
   * Stages the records, refuses keys already seen earlier in the file (checkSeen), refuses rows breaking
   * cross-row rules, upserts those whose parents exist, parks the rest.
   */
  async write(type: RecordType, system: string, records: ValidRecord[], partnerId?: string, checkSeen = false): Promise<WriteCounts> {
    const spec = await this.createStage(type);
    await this.sql.load(`stage_${type}`, spec.columns, records.map((r) => spec.columns.map((c) => c.value(r))));
    const duplicates = checkSeen ? await this.rejectSeen(type) : [];
    const counts = await this.upsertStaged(type, spec, system, records.length - duplicates.length, partnerId);
    counts.rejected.unshift(...duplicates);
    return counts;
  }

  /** Keys of the stage already seen in an earlier batch of this file: removed from the stage and returned. */
  private async rejectSeen(type: RecordType): Promise<Rejection[]> {
    const [{ fresh, staged }] = await this.sql.rows<{ fresh: number; staged: number }>(
      `WITH ins AS (INSERT INTO ingest_seen SELECT $1, source_key, _file, _line FROM stage_${type} ON CONFLICT DO NOTHING RETURNING 1)
       SELECT (SELECT count(*)::int FROM ins) AS fresh, (SELECT count(*)::int FROM stage_${type}) AS staged`,
      [type],
    );
    // The common case costs one statement: every key was new.
    if (fresh === staged) return [];
    const rows = await this.sql.rows<{ source_key: string; _file: string; _line: number; first_file: string; first_line: number }>(
      `DELETE FROM stage_${type} s USING ingest_seen seen
       WHERE seen.record_type = $1 AND seen.source_key = s.source_key AND (seen.source_file, seen.line) IS DISTINCT FROM (s._file, s._line)
       RETURNING s.source_key, s._file, s._line, seen.source_file AS first_file, seen.line AS first_line`,
      [type],
    );
    return rows.map((r) => ({
      file: r._file,
      line: r._line,
      type,
      key: r.source_key,
      field: 'key',
      reason: `duplicate ${type} key ${r.source_key} (first at ${r.first_file}:${r.first_line})`,
    }));
  }

  private async upsertStaged(type: RecordType, spec: TypeSpec, system: string, staged: number, partnerId?: string): Promise<WriteCounts> {
    const rejected: Rejection[] = [];
    for (const rule of spec.rejectWhen ?? []) {
      const rows = await this.sql.rows<{ source_key: string; _file: string; _line: number }>(
        `DELETE FROM stage_${type} s WHERE ${rule.predicate} RETURNING s.source_key, s._file, s._line`,
        rule.predicate.includes('$1') ? [system] : [],
      );
      for (const r of rows) rejected.push({ file: r._file, line: r._line, type, key: r.source_key, field: rule.field, reason: rule.reason });
    }
    const params = type === 'purchase' ? [system, partnerId] : [system];
    const [counts] = await this.sql.rows<{ inserted: number; updated: number }>(
      `WITH up AS (${spec.upsert}) SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated FROM up`,
      params,
    );
    // Rows now written supersede any parked copy of themselves.
    if (await this.hasPending(system, type)) await this.sql.exec(
      `DELETE FROM ingest_pending p USING stage_${type} s WHERE p.source_system = $1 AND p.record_type = $2 AND p.source_key = s.source_key AND ${spec.parentsExist}`,
      [system, type],
    );
    const parkedRows = await this.sql.rows<{ n: number }>(
      `WITH parked AS (
         INSERT INTO ingest_pending AS p (source_system, record_type, source_key, parent_type, parent_key, payload, source_file, line)
         SELECT $1, $2, s.source_key, $3, s.${spec.parent.keyColumn}, to_jsonb(s) - '_file' - '_line', s._file, s._line
         FROM stage_${type} s WHERE NOT (${spec.parentsExist})
         ON CONFLICT (source_system, record_type, source_key) DO UPDATE
           SET parent_key = EXCLUDED.parent_key, payload = EXCLUDED.payload, source_file = EXCLUDED.source_file, line = EXCLUDED.line
           WHERE p.payload IS DISTINCT FROM EXCLUDED.payload OR p.parent_key IS DISTINCT FROM EXCLUDED.parent_key
         RETURNING 1)
       SELECT count(*)::int AS n FROM parked`,
      [system, type, spec.parent.type],
    );
    const parked = parkedRows[0].n;
    const result: WriteCounts = { inserted: counts.inserted, updated: counts.updated, parked, rejected, unchanged: staged - rejected.length - counts.inserted - counts.updated - parked };
    if (type === 'card') result.cardLinks = await this.cardLinks(system);
    return result;
  }

  private async hasPending(system: string, type: RecordType): Promise<boolean> {
    return (await this.sql.rows(`SELECT 1 FROM ingest_pending WHERE source_system = $1 AND record_type = $2 LIMIT 1`, [system, type])).length > 0;
  }

  /** Parked rows of this type whose parents have arrived: staged from their payload, upserted, removed from pending. */
  async promote(type: RecordType, system: string, partnerId?: string): Promise<WriteCounts | undefined> {
    const spec = TYPE_SPECS[type]!;
    if (!(await this.hasPending(system, type))) return undefined;
    await this.createStage(type);
    const names = spec.columns.map((c) => c.name);
    const moved = await this.sql.exec(
      `WITH ready AS (
         DELETE FROM ingest_pending p
         WHERE p.source_system = $1 AND p.record_type = $2
           AND EXISTS (SELECT 1 FROM (SELECT (jsonb_populate_record(NULL::stage_${type}, p.payload)).*) s WHERE ${spec.parentsExist})
         RETURNING p.payload, p.source_file, p.line)
       INSERT INTO stage_${type} (${names.join(', ')})
       SELECT ${names.map((c) => (c === '_file' ? 'r.source_file' : c === '_line' ? 'r.line' : `x.${c}`)).join(', ')}
       FROM ready r, jsonb_populate_record(NULL::stage_${type}, r.payload) x`,
      [system, type],
    );
    if (moved === 0) {
      await this.sql.exec(`DROP TABLE stage_${type}`);
      return undefined;
    }
    const counts = await this.upsertStaged(type, spec, system, moved, partnerId);
    await this.sql.exec(`DROP TABLE stage_${type}`);
    return counts;
  }

  private async cardLinks(system: string): Promise<WriteCounts['cardLinks']> {
    const rows = await this.sql.rows<{ source_key: string; customer_id: string; card_hash: string }>(
      `SELECT s.source_key, coalesce(cs.customer_id, c.customer_id)::text AS customer_id, s.card_hash
       FROM stage_card s
       JOIN card c ON c.source_system = $1 AND c.source_key = s.source_key
       LEFT JOIN customer_source cs ON cs.source_system = $1 AND cs.source_key = s.customer_key
       WHERE s.card_hash IS NOT NULL`,
      [system],
    );
    return rows.map((r) => ({ key: r.source_key, holderCustomerId: r.customer_id, cardHash: r.card_hash }));
  }

  /** Transaction-scoped lock shared by every ingestion batch and by unmerge. */
  async lockIngestion(): Promise<void> {
    await this.sql.rows(`SELECT pg_advisory_xact_lock(${INGESTION_LOCK})`);
  }

  async pendingCount(system: string): Promise<number> {
    const [{ n }] = await this.sql.rows<{ n: number }>(`SELECT count(*)::int AS n FROM ingest_pending WHERE source_system = $1`, [system]);
    return n;
  }

  /** The partner row for a partner source, created when missing. */
  async ensurePartner(code: string, name: string, industry: string): Promise<{ id: string; created: boolean }> {
    const inserted = await this.sql.rows<{ id: string }>(
      `INSERT INTO partner (code, name, industry) VALUES ($1, $2, $3) ON CONFLICT (code) DO NOTHING RETURNING id::text`,
      [code, name, industry],
    );
    if (inserted.length) return { id: inserted[0].id, created: true };
    const [row] = await this.sql.rows<{ id: string }>(`SELECT id::text FROM partner WHERE code = $1`, [code]);
    return { id: row.id, created: false };
  }
}
