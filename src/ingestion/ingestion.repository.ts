import { RecordType, Rejection, ValidRecord } from './records';
import { copyLine, CopyText, SqlSession } from './sql-session';

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
  /** The record field it holds ("_file" and "_line": where the record was read), for FastNdjson; none when derived. */
  field?: string;
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
  /** How staged rows (alias s) become target rows. */
  upsert: UpsertSpec;
}

const v = (field: string) => (r: ValidRecord) => r.values[field] ?? null;
const col = (name: string, type: string, field: string): StageColumn => ({ name, type, field, value: v(field) });
const common: StageColumn[] = [
  { name: 'source_key', type: 'text', field: 'key', value: (r) => r.key },
  { name: '_file', type: 'text', field: '_file', value: (r) => r.file },
  { name: '_line', type: 'integer', field: '_line', value: (r) => r.line },
];

const accountJoin = `account a ON a.source_system = $1 AND a.source_key = s.account_key`;
const customerJoin = `customer_source cs ON cs.source_system = $1 AND cs.source_key = s.customer_key`;
const accountExists = `EXISTS (SELECT 1 FROM account a WHERE a.source_system = $1 AND a.source_key = s.account_key)`;
const customerExists = `EXISTS (SELECT 1 FROM customer_source cs WHERE cs.source_system = $1 AND cs.source_key = s.customer_key)`;

/** How a staged row becomes a row of the target table: column expressions over stage alias `s` and its joins. */
interface UpsertSpec {
  table: string;
  /** Target column -> SQL expression. */
  cols: Record<string, string>;
  /** FROM clause after the stage table (its joins to parents), e.g. `JOIN account a ON ...`. */
  joins: string;
  /** Columns an update leaves alone. */
  fixed?: string[];
  /** Column set to now() when a row changes. */
  touch?: string;
}

function upsert(table: string, cols: Record<string, string>, joins: string, opts: { fixed?: string[]; touch?: string } = {}): UpsertSpec {
  return { table, cols, joins, ...opts };
}

function updatable(u: UpsertSpec): string[] {
  return Object.keys(u.cols).filter((n) => n !== 'source_system' && n !== 'source_key' && !(u.fixed ?? []).includes(n));
}

/**
 * INSERT ... SELECT ... ON CONFLICT (source_system, source_key) DO UPDATE only where the row differs, so an
 * identical re-send touches nothing; RETURNING xmax = 0 tells inserts from updates.
 */
function renderUpsert(u: UpsertSpec, stage: string): string {
  const names = Object.keys(u.cols);
  const upd = updatable(u);
  const set = upd.map((n) => `${n} = EXCLUDED.${n}`).concat(u.touch ? [`${u.touch} = now()`] : []);
  return `
    INSERT INTO ${u.table} AS t (${names.join(', ')})
    SELECT ${names.map((n) => u.cols[n]).join(', ')} FROM ${stage} s ${u.joins}
    ON CONFLICT (source_system, source_key) DO UPDATE SET ${set.join(', ')}
    WHERE (${upd.map((n) => `t.${n}`).join(', ')}) IS DISTINCT FROM (${upd.map((n) => `EXCLUDED.${n}`).join(', ')})
    RETURNING (t.xmax = 0) AS inserted`;
}

/**
 * The same upsert as two statements, for bulk loads: update the staged rows whose key exists (`s._exists`,
 * marked while the unique index was still there) where they differ, then insert the others, with no lookup
 * (the load drops the index first). `types` casts each expression to its column's type, so "differs"
 * compares what would be stored, as EXCLUDED does.
 */
function renderUpdateThenInsert(
  u: UpsertSpec,
  stage: string,
  types: Record<string, string>,
): { update: string; insert: (id: string | undefined, where: string) => string } {
  const names = Object.keys(u.cols);
  const upd = updatable(u);
  const select = names.map((n) => `(${u.cols[n]})::${types[n]} AS ${n}`).join(', ');
  const set = upd.map((n) => `${n} = x.${n}`).concat(u.touch ? [`${u.touch} = now()`] : []);
  return {
    update: `
      UPDATE ${u.table} AS t SET ${set.join(', ')}
      FROM (SELECT ${select} FROM ${stage} s ${u.joins} WHERE s._exists) x
      WHERE t.source_system = x.source_system AND t.source_key = x.source_key
        AND (${upd.map((n) => `t.${n}`).join(', ')}) IS DISTINCT FROM (${upd.map((n) => `x.${n}`).join(', ')})`,
    // `id`: an expression over s._line taking ids from a range reserved up front (reserveIds); one sequence call
    // per row was a tenth of the insert. Undefined: the column default.
    insert: (id, where) => `
      INSERT INTO ${u.table} (${id ? 'id, ' : ''}${names.join(', ')})
      SELECT ${id ? `${id}, ` : ''}${select} FROM ${stage} s ${u.joins} WHERE ${where}`,
  };
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
    upsert: upsert(
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
      `JOIN ${customerJoin}`,
      { fixed: ['customer_id'], touch: 'updated_at' },
    ),
  },
  account_holder: {
    table: 'account_holder',
    columns: [...common, col('account_key', 'text', 'accountKey'), col('customer_key', 'text', 'customerKey'), col('role', 'text', 'role')],
    parent: { type: 'account', keyColumn: 'account_key' },
    parentsExist: `${accountExists} AND ${customerExists}`,
    upsert: upsert(
      'account_holder',
      {
        customer_id: 'a.customer_id',
        account_id: 'a.id',
        holder_customer_id: 'cs.customer_id',
        role: 's.role',
        source_system: '$1',
        source_key: 's.source_key',
      },
      `JOIN ${accountJoin} JOIN ${customerJoin}`,
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
    upsert: upsert(
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
      `JOIN ${accountJoin}`,
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
    upsert: upsert(
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
      `JOIN ${accountJoin}`,
    ),
  },
  standing_order: {
    table: 'standing_order',
    columns: [
      ...common,
      col('account_key', 'text', 'accountKey'),
      col('amount', 'numeric', 'amount'),
      col('currency', 'text', 'currency'),
      col('purpose', 'text', 'purpose'),
      col('recipient_bank', 'text', 'recipientBank'),
      col('recipient_account', 'text', 'recipientAccount'),
      col('source_codes', 'jsonb', 'sourceCodes'),
    ],
    parent: { type: 'account', keyColumn: 'account_key' },
    parentsExist: accountExists,
    upsert: upsert(
      'standing_order',
      {
        customer_id: 'a.customer_id',
        account_id: 'a.id',
        source_system: '$1',
        source_key: 's.source_key',
        amount: 's.amount',
        // An absent currency is the account's.
        currency: 'coalesce(s.currency, a.currency)',
        purpose: 's.purpose',
        recipient_bank: 's.recipient_bank',
        recipient_account: 's.recipient_account',
        source_codes: 's.source_codes',
      },
      `JOIN ${accountJoin}`,
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
    upsert: upsert(
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
      `JOIN ${accountJoin}`,
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
    upsert: upsert(
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
      `JOIN ${customerJoin}`,
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
    upsert: upsert(
      'mobile_session',
      {
        customer_id: 'cs.customer_id',
        source_system: '$1',
        source_key: 's.source_key',
        started_at: 's.started_at',
        duration_seconds: 's.duration_seconds',
        features_used: `ARRAY(SELECT jsonb_array_elements_text(coalesce(s.features_used, '[]'::jsonb)))`,
      },
      `JOIN ${customerJoin}`,
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
    upsert: upsert(
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
      `JOIN ${customerJoin}`,
    ),
  },
};

/** What a write of the stage did, for upsertStaged. */
interface StagedWrite {
  inserted: number;
  updated: number;
  /** No staged row lacks its parent: nothing to park. */
  allHaveParents?: boolean;
  /** Only rows marked _waiting can lack their parent. */
  onlyWaiting?: boolean;
}

/** The parameters of an upsert's SQL: $1 the source system, and for purchases $2 the partner. */
function upsertParams(type: RecordType, system: string, partnerId?: string): unknown[] {
  return type === 'purchase' ? [system, partnerId] : [system];
}

/** Indexes and keys a bulk load dropped, as the catalog defined them. */
interface DroppedKeys {
  indexes: string[];
  constraints: { name: string; def: string; kind: string }[];
}

/** A bulk load writing one type into a table that was empty when the file started (beginBulkStream). */
export interface BulkStream {
  table: string;
  keys: DroppedKeys;
  /** The insert from the stage into the table (renderUpdateThenInsert). */
  insert: (id: string | undefined, where: string) => string;
  /** The last line (_line) inserted or marked waiting. */
  last: number;
  staged: number;
  inserted: number;
  /** Rows marked _waiting: their parent was missing when their batch was inserted. */
  waiting: number;
}

/** A bulk stream cannot vouch for its file: the stage must be checked for repeated keys and written the checked way. */
export class BulkChecksNeeded extends Error {
  constructor() {
    super('the bulk stage must be checked for repeated keys first');
  }
}

/** A record as a line of COPY text for its bulk stage: rendered as it is read, so the record itself is not kept. */
export function bulkCopyLine(record: ValidRecord): string {
  return copyLine(TYPE_SPECS[record.type]!.columns, record);
}

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
    await this.sql.load(`stage_${type}`, spec.columns, records);
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

  /**
   * Refuses rows breaking cross-row rules, writes those whose parents exist, parks the rest. `write` replaces
   * the ON CONFLICT upsert (bulk loads without the unique index); `stage` is the staged table (alias s).
   */
  private async upsertStaged(
    type: RecordType,
    spec: TypeSpec,
    system: string,
    staged: number,
    partnerId?: string,
    stage = `stage_${type}`,
    /** Writes the stage instead of the upsert. */
    write?: (params: unknown[], remaining: number) => Promise<StagedWrite>,
  ): Promise<WriteCounts> {
    const rejected: Rejection[] = [];
    for (const rule of spec.rejectWhen ?? []) {
      const rows = await this.sql.rows<{ source_key: string; _file: string; _line: number }>(
        `DELETE FROM ${stage} s WHERE ${rule.predicate} RETURNING s.source_key, s._file, s._line`,
        rule.predicate.includes('$1') ? [system] : [],
      );
      for (const r of rows) rejected.push({ file: r._file, line: r._line, type, key: r.source_key, field: rule.field, reason: rule.reason });
    }
    const params = upsertParams(type, system, partnerId);
    const counts: StagedWrite = write
      ? await write(params, staged - rejected.length)
      : (
          await this.sql.rows<{ inserted: number; updated: number }>(
            `WITH up AS (${renderUpsert(spec.upsert, stage)}) SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated FROM up`,
            params,
          )
        )[0];
    // Rows now written supersede any parked copy of themselves.
    if (await this.hasPending(system, type)) await this.sql.exec(
      `DELETE FROM ingest_pending p USING ${stage} s WHERE p.source_system = $1 AND p.record_type = $2 AND p.source_key = s.source_key AND ${spec.parentsExist}`,
      [system, type],
    );
    const parkedRows = counts.allHaveParents ? [{ n: 0 }] : await this.sql.rows<{ n: number }>(
      `WITH parked AS (
         INSERT INTO ingest_pending AS p (source_system, record_type, source_key, parent_type, parent_key, payload, source_file, line)
         SELECT $1, $2, s.source_key, $3, s.${spec.parent.keyColumn}, to_jsonb(s) - '_file' - '_line' - '_exists' - '_waiting', s._file, s._line
         FROM ${stage} s WHERE ${counts.onlyWaiting ? 's._waiting AND ' : ''}NOT (${spec.parentsExist})
         ON CONFLICT (source_system, record_type, source_key) DO UPDATE
           SET parent_key = EXCLUDED.parent_key, payload = EXCLUDED.payload, source_file = EXCLUDED.source_file, line = EXCLUDED.line
           WHERE p.payload IS DISTINCT FROM EXCLUDED.payload OR p.parent_key IS DISTINCT FROM EXCLUDED.parent_key
         RETURNING 1)
       SELECT count(*)::int AS n FROM parked`,
      [system, type, spec.parent.type],
    );
    const parked = parkedRows[0].n;
    const result: WriteCounts = { inserted: counts.inserted, updated: counts.updated, parked, rejected, unchanged: staged - rejected.length - counts.inserted - counts.updated - parked };
    if (type === 'card') result.cardLinks = await this.cardLinks(system, stage);
    return result;
  }

  // ---- Bulk loads: a whole file's records of one type staged first, then written set-based at once. ----

  /**
   * The per-file bulk stage of a type. A file holds one record a line, so _line is also the order records
   * arrived in: it numbers them (ids, the first of repeated keys, the newest rows of a stream) without the
   * sequence call per row that an identity column cost (a fifth of the time spent staging).
   */
  async createBulkStage(type: RecordType): Promise<void> {
    const spec = TYPE_SPECS[type]!;
    await this.sql.exec(`DROP TABLE IF EXISTS pg_temp.bulk_${type}`);
    await this.sql.exec(
      `CREATE TEMP TABLE bulk_${type} (${spec.columns.map((c) => `${c.name} ${c.type}`).join(', ')}, _exists boolean NOT NULL DEFAULT false, _waiting boolean NOT NULL DEFAULT false)`,
    );
  }

  /** Appends to the bulk stage: records, or (PostgreSQL) the same records already rendered by bulkCopyLine. */
  async appendBulk(type: RecordType, records: ValidRecord[] | CopyText | string[]): Promise<void> {
    const spec = TYPE_SPECS[type]!;
    if (records instanceof CopyText || typeof records[0] === 'string') await this.sql.copyText(`bulk_${type}`, spec.columns, records as CopyText | string[]);
    else await this.sql.load(`bulk_${type}`, spec.columns, records as ValidRecord[]);
  }

  async dropBulkStage(type: RecordType): Promise<void> {
    await this.sql.exec(`DROP TABLE IF EXISTS pg_temp.bulk_${type}`);
  }

  /** Rows in a bulk stage and distinct keys among them. */
  private async stagedKeys(stage: string): Promise<{ staged: number; keys: number }> {
    // Byte order ("C") is enough to tell keys apart and sorts about twice as fast as the database's collation.
    const [counts] = await this.sql.rows<{ staged: number; keys: number }>(
      `SELECT count(*)::int AS staged, count(DISTINCT source_key COLLATE "C")::int AS keys FROM ${stage}`,
    );
    return counts;
  }

  /**
   * Refuses keys repeated within the bulk stage (the first occurrence, by arrival, wins) and returns them,
   * with how many rows stay staged.
   */
  async rejectBulkDuplicates(type: RecordType): Promise<{ staged: number; rejected: Rejection[] }> {
    const { staged, keys } = await this.stagedKeys(`bulk_${type}`);
    if (staged === keys) return { staged, rejected: [] };
    const rows = await this.sql.rows<{ source_key: string; _file: string; _line: number; first_file: string; first_line: number }>(
      `DELETE FROM bulk_${type} s USING (
         SELECT _line, first_value(_file) OVER w AS first_file, first_value(_line) OVER w AS first_line, row_number() OVER w AS k
         FROM bulk_${type} WINDOW w AS (PARTITION BY source_key COLLATE "C" ORDER BY _line)) d
       WHERE s._line = d._line AND d.k > 1
       RETURNING s.source_key, s._file, s._line, d.first_file, d.first_line`,
    );
    const rejected = rows
      .sort((a, b) => (a._file === b._file ? a._line - b._line : a._file < b._file ? -1 : 1))
      .map((r) => ({ file: r._file, line: r._line, type, key: r.source_key, field: 'key', reason: `duplicate ${type} key ${r.source_key} (first at ${r.first_file}:${r.first_line})` }));
    return { staged: staged - rows.length, rejected };
  }

  /**
   * A bulk load into a table that is empty when its file starts writes the file's rows as they are staged,
   * batch by batch, with the table's indexes and keys dropped from the start: PostgreSQL inserts while Node
   * reads, and only the rebuild is left for the end of the file. Undefined when the table holds rows (or the
   * type has rules to apply to the whole stage first): then writeBulk at the end of the file.
   */
  async beginBulkStream(type: RecordType): Promise<BulkStream | undefined> {
    const spec = TYPE_SPECS[type]!;
    const table = spec.upsert.table;
    if (spec.rejectWhen || (await this.sql.rows(`SELECT 1 FROM ${table} LIMIT 1`)).length > 0) return undefined;
    // Each batch inserts the stage's newest rows: found by line.
    await this.sql.exec(`CREATE INDEX ON bulk_${type} (_line)`);
    const { insert } = renderUpdateThenInsert(spec.upsert, `bulk_${type}`, await this.columnTypes(table));
    return { table, keys: await this.dropIndexes(table), insert, last: 0, staged: 0, inserted: 0, waiting: 0 };
  }

  /**
   * Inserts the rows staged since the last call (`appended` of them, up to line `last`) into the stream's
   * table. Rows whose parent is missing are marked _waiting. Returns what changed; the caller applies it to
   * the stream once the enclosing savepoint is released.
   */
  async streamBulk(
    type: RecordType,
    system: string,
    stream: BulkStream,
    appended: number,
    last: number,
    partnerId?: string,
  ): Promise<Pick<BulkStream, 'last' | 'staged' | 'inserted' | 'waiting'>> {
    const spec = TYPE_SPECS[type]!;
    const stage = `bulk_${type}`;
    if (appended === 0) return { last: stream.last, staged: stream.staged, inserted: stream.inserted, waiting: stream.waiting };
    const done = { last, staged: stream.staged + appended, inserted: stream.inserted, waiting: stream.waiting };
    const params = upsertParams(type, system, partnerId);
    const first = BigInt(await this.reserveIds(stream.table, last - stream.last));
    const n = params.length;
    const inserted = await this.sql.exec(stream.insert(`$${n + 1}::bigint + s._line`, `s._line > $${n + 2} AND s._line <= $${n + 3}`), [
      ...params,
      (first - BigInt(stream.last) - 1n).toString(),
      stream.last,
      last,
    ]);
    done.inserted += inserted;
    if (inserted < appended) {
      done.waiting += await this.sql.exec(`UPDATE ${stage} s SET _waiting = true WHERE s._line > $2 AND s._line <= $3 AND NOT (${spec.parentsExist})`, [system, stream.last, last]);
    }
    return done;
  }

  /**
   * Ends a stream at the end of its file: inserts the waiting rows whose parents have arrived since, parks the
   * rest, and rebuilds the indexes and keys. Throws BulkChecksNeeded, or the unique key's violation (23505),
   * when the file repeats a key: the caller (in a savepoint) then rolls back, calls abandonBulkStream and
   * writes the file's stage the checked way.
   */
  async finishBulkStream(type: RecordType, system: string, stream: BulkStream, partnerId?: string): Promise<WriteCounts & { table: string; rebuilt: boolean }> {
    const spec = TYPE_SPECS[type]!;
    const stage = `bulk_${type}`;
    if (stream.staged === 0) {
      await this.restoreIndexes(stream.table, stream.keys);
      return { inserted: 0, updated: 0, unchanged: 0, parked: 0, rejected: [], table: stream.table, rebuilt: false };
    }
    const counts = await this.upsertStaged(type, spec, system, stream.staged, partnerId, stage, async (params) => {
      const late = stream.waiting > 0 ? await this.sql.exec(stream.insert(undefined, 's._waiting'), params) : 0;
      // A row left without its parent could repeat the key of a row written (the unique key would not see it):
      // look for repeats in the whole stage. Otherwise the rebuilt unique key finds them.
      if (late < stream.waiting) {
        const { staged, keys } = await this.stagedKeys(stage);
        if (staged !== keys) throw new BulkChecksNeeded();
      }
      await this.restoreIndexes(stream.table, stream.keys);
      return { inserted: stream.inserted + late, updated: 0, allHaveParents: late === stream.waiting, onlyWaiting: true };
    });
    return { ...counts, table: stream.table, rebuilt: true };
  }

  /** Undoes a stream's inserts (the table was empty when its file started) and puts its indexes and keys back. */
  async abandonBulkStream(stream: BulkStream): Promise<void> {
    await this.sql.exec(`DELETE FROM ${stream.table}`);
    await this.restoreIndexes(stream.table, stream.keys);
  }

  /**
   * Writes the bulk stage of a type in one pass. When the target table holds no more rows than are staged, its
   * indexes and keys are dropped, the rows written, and everything rebuilt, all inside the caller's
   * transaction: a crash rolls the DDL back with the data. Otherwise it is the ordinary upsert over all rows.
   */
  async writeBulk(type: RecordType, system: string, staged: number, partnerId?: string): Promise<WriteCounts & { table: string; rebuilt: boolean }> {
    const spec = TYPE_SPECS[type]!;
    const stage = `bulk_${type}`;
    const table = spec.upsert.table;
    const [{ existing }] = await this.sql.rows<{ existing: number }>(`SELECT count(*)::int AS existing FROM (SELECT 1 FROM ${table} LIMIT $1) x`, [staged + 1]);
    if (existing > staged) return { ...(await this.upsertStaged(type, spec, system, staged, partnerId, stage)), table, rebuilt: false };

    const { update, insert } = renderUpdateThenInsert(spec.upsert, stage, await this.columnTypes(table));
    // While the unique index is there: which staged keys exist, and their updates (at most as many as staged).
    const found = existing === 0 ? 0 : await this.withHashJoins(() => this.sql.exec(`UPDATE ${stage} s SET _exists = true FROM ${table} t WHERE t.source_system = $1 AND t.source_key = s.source_key`, [system]));
    const counts = await this.upsertStaged(type, spec, system, staged, partnerId, stage, async (params, remaining) => {
      const updated = found > 0 ? await this.withHashJoins(() => this.sql.exec(update, params)) : 0;
      const keys = await this.dropIndexes(table);
      // One id per line from the first staged to the last (lines of other types or rejected leave gaps).
      const [{ first, last }] = await this.sql.rows<{ first: number; last: number }>(`SELECT min(_line)::int AS first, max(_line)::int AS last FROM ${stage}`);
      const idBase = (BigInt(await this.reserveIds(table, last - first + 1)) - BigInt(first)).toString();
      const inserted = await this.sql.exec(insert(`$${params.length + 1}::bigint + s._line`, 'NOT s._exists'), [...params, idBase]);
      await this.restoreIndexes(table, keys);
      // Every staged row new and written: none waits for a parent (the insert joins them).
      return { inserted, updated, allHaveParents: found === 0 && inserted === remaining };
    });
    return { ...counts, table, rebuilt: true };
  }

  /** Takes `count` consecutive values from the table's id sequence and returns the first. */
  private async reserveIds(table: string, count: number): Promise<string> {
    const [{ first }] = await this.sql.rows<{ first: string }>(
      `WITH f AS (SELECT nextval(pg_get_serial_sequence($1, 'id')::regclass) AS first)
       SELECT first::text, setval(pg_get_serial_sequence($1, 'id')::regclass, first + $2::bigint - 1) FROM f`,
      [table, Math.max(count, 1)],
    );
    return first;
  }

  private async columnTypes(table: string): Promise<Record<string, string>> {
    const rows = await this.sql.rows<{ name: string; type: string }>(
      `SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped`,
      [table],
    );
    return Object.fromEntries(rows.map((r) => [r.name, r.type]));
  }

  /**
   * Runs fn with nested loops off. Both sides of these joins are about the size of the load, and the target's
   * statistics are often stale right after a load (an empty table's plan would rescan it once per staged row).
   */
  private async withHashJoins<T>(fn: () => Promise<T>): Promise<T> {
    const [{ previous }] = await this.sql.rows<{ previous: string }>(`SELECT current_setting('enable_nestloop') AS previous`);
    await this.sql.rows(`SELECT set_config('enable_nestloop', 'off', true)`);
    const result = await fn();
    // After an error the caller's savepoint rollback undoes the setting too.
    await this.sql.rows(`SELECT set_config('enable_nestloop', $1, true)`, [previous]);
    return result;
  }

  /** Drops a table's indexes and its keys that no other table references; returns what recreates them. */
  private async dropIndexes(table: string): Promise<DroppedKeys> {
    const constraints = await this.sql.rows<{ name: string; def: string; kind: string }>(
      `SELECT quote_ident(c.conname) AS name, pg_get_constraintdef(c.oid) AS def, c.contype::text AS kind
       FROM pg_constraint c
       WHERE c.conrelid = $1::regclass AND c.contype IN ('p', 'u', 'f')
         AND NOT EXISTS (SELECT 1 FROM pg_constraint r WHERE r.contype = 'f' AND r.confrelid = c.conrelid AND r.conindid = c.conindid)
       ORDER BY c.contype = 'f' DESC, c.conname`,
      [table],
    );
    const indexes = await this.sql.rows<{ name: string; def: string }>(
      `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
       FROM pg_index i WHERE i.indrelid = $1::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conrelid = i.indrelid AND c.conindid = i.indexrelid)
       ORDER BY 1`,
      [table],
    );
    for (const c of constraints) await this.sql.exec(`ALTER TABLE ${table} DROP CONSTRAINT ${c.name}`);
    for (const i of indexes) await this.sql.exec(`DROP INDEX ${i.name}`);
    return { indexes: indexes.map((i) => i.def), constraints };
  }

  private async restoreIndexes(table: string, keys: DroppedKeys): Promise<void> {
    // Sorting the rows for each index is the bulk of the rebuild; give it room (this transaction only).
    await this.sql.exec(`SET LOCAL maintenance_work_mem = '256MB'`);
    // Keys first (a duplicate would fail here and roll the load back), foreign keys last (they read the keys).
    for (const c of keys.constraints.filter((k) => k.kind !== 'f')) await this.sql.exec(`ALTER TABLE ${table} ADD CONSTRAINT ${c.name} ${c.def}`);
    for (const def of keys.indexes) await this.sql.exec(def);
    for (const c of keys.constraints.filter((k) => k.kind === 'f')) await this.sql.exec(`ALTER TABLE ${table} ADD CONSTRAINT ${c.name} ${c.def}`);
  }

  /** Rows of lines [from, to] of the bulk stage, upserted the ordinary way (the fallback when a bulk write is refused). */
  async writeBulkRange(type: RecordType, system: string, from: number, to: number, partnerId?: string): Promise<WriteCounts> {
    const spec = await this.createStage(type);
    const names = spec.columns.map((c) => c.name).join(', ');
    const staged = await this.sql.exec(`INSERT INTO stage_${type} (${names}) SELECT ${names} FROM bulk_${type} WHERE _line BETWEEN $1 AND $2`, [from, to]);
    return this.upsertStaged(type, spec, system, staged, partnerId);
  }

  /** The lines still staged, first and last (for splitting a refused bulk write). */
  async bulkRowNumbers(type: RecordType): Promise<{ min: number; max: number }> {
    const [r] = await this.sql.rows<{ min: number | null; max: number | null }>(`SELECT min(_line)::int AS min, max(_line)::int AS max FROM bulk_${type}`);
    return { min: r.min ?? 0, max: r.max ?? -1 };
  }

  async bulkRow(type: RecordType, n: number): Promise<{ source_key: string; _file: string; _line: number } | undefined> {
    const [r] = await this.sql.rows<{ source_key: string; _file: string; _line: number }>(`SELECT source_key, _file, _line FROM bulk_${type} WHERE _line = $1`, [n]);
    return r;
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

  private async cardLinks(system: string, stage: string): Promise<WriteCounts['cardLinks']> {
    const rows = await this.sql.rows<{ source_key: string; customer_id: string; card_hash: string }>(
      `SELECT s.source_key, coalesce(cs.customer_id, c.customer_id)::text AS customer_id, s.card_hash
       FROM ${stage} s
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
