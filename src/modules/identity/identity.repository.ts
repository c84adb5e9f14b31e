import { IdentityKey, SourceProfile } from './match-rules';

/** What the identity repository needs from a connection; the ingestion SqlSession provides it. */
export interface SqlRunner {
  rows<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  exec(text: string, params?: unknown[]): Promise<number>;
}

export interface ExistingSource {
  id: string;
  customerId: string;
  sourceKey: string;
  matchRule: string;
  attributes: Record<string, unknown>;
}

export interface NewSourceRow {
  customerId: string;
  sourceKey: string;
  matchRule: string;
  attributes: Record<string, unknown>;
}

export interface IdentifierRow {
  customerId: string;
  kind: string;
  valueHash: string;
  recordType: string;
  sourceKey: string;
}

/** Tables a merge re-points by customer_id (account children follow their account in the same statement). */
const MOVED_TABLES = [
  'customer_source',
  'customer_identifier',
  'account',
  'bank_transaction',
  'loan',
  'card',
  'standing_order',
  'mobile_session',
  'partner_purchase',
] as const;
/** The moved tables whose rows belong to an account: an unmerge also sends back the rows added to a moved account since the merge. */
const ACCOUNT_CHILD_TABLES: readonly string[] = ['bank_transaction', 'loan', 'card', 'standing_order'];

export interface MergeDetail {
  moved: Record<string, string[]>;
  accountHolders: { id: string; customer_id: string; holder_customer_id: string }[];
  mergedCustomer: Record<string, unknown>;
  /** One enrolment per customer: the merged customer's is set aside when the survivor has one. */
  setAsideEnrolment: Record<string, unknown> | null;
  movedEnrolment: string | null;
  /** Other customer-owned tables (found by their customer_id column): primary keys of the rows moved. */
  other?: Record<string, Record<string, unknown>[]>;
  /** Rows of other tables that would have broken a unique key on the survivor: kept here, restored by unmerge. */
  setAside?: Record<string, Record<string, unknown>[]>;
}

interface OtherTable {
  name: string;
  /** Primary key columns other than customer_id. */
  key: string[];
  /** Unique indexes that include customer_id (their other columns). */
  uniques: string[][];
}

const q = (ident: string) => `"${ident.replace(/"/g, '""')}"`;

/** A row's identity inside its customer: its other primary-key columns, or the whole row when there is no key. */
const rowKey = (table: string, key: string[]) =>
  key.length ? `jsonb_build_object(${key.map((c) => `'${c}', ${q(c)}`).join(', ')})` : `(to_jsonb(${q(table)}) - 'customer_id')`;

export interface MergeRow {
  id: string;
  customerId: string;
  mergedCustomerId: string;
  matchRule: string;
  unmergedAt: string | null;
  detail: MergeDetail;
}

/** SQL for customers, provenance, identifiers and merges. */
export class IdentityRepository {
  constructor(private readonly sql: SqlRunner) {}

  async sourcesByKey(system: string, keys: string[]): Promise<Map<string, ExistingSource>> {
    if (keys.length === 0) return new Map();
    const rows = await this.sql.rows<{ id: string; customer_id: string; source_key: string; match_rule: string; attributes: Record<string, unknown> }>(
      `SELECT id::text, customer_id::text, source_key, match_rule, attributes FROM customer_source WHERE source_system = $1 AND source_key = ANY($2::text[])`,
      [system, keys],
    );
    return new Map(rows.map((r) => [r.source_key, { id: r.id, customerId: r.customer_id, sourceKey: r.source_key, matchRule: r.match_rule, attributes: r.attributes }]));
  }

  /** Customers owning each key ("RULE:hash" -> customer ids), one query for the whole batch. */
  async keyOwners(keys: IdentityKey[]): Promise<Map<string, string[]>> {
    const owners = new Map<string, string[]>();
    if (keys.length === 0) return owners;
    const rows = await this.sql.rows<{ kind: string; value_hash: string; customer_id: string }>(
      `SELECT DISTINCT i.kind, i.value_hash, i.customer_id::text
       FROM customer_identifier i JOIN unnest($1::text[], $2::text[]) AS k(kind, value_hash) USING (kind, value_hash)
       ORDER BY 3`,
      [keys.map((k) => k.rule), keys.map((k) => k.value)],
    );
    for (const r of rows) {
      const id = `${r.kind}:${r.value_hash}`;
      owners.set(id, [...(owners.get(id) ?? []), r.customer_id]);
    }
    return owners;
  }

  /** Pairs ("a:b", a < b) whose merge was undone: never merged again automatically. */
  async blockedPairs(customerIds: string[]): Promise<Set<string>> {
    if (customerIds.length === 0) return new Set();
    const rows = await this.sql.rows<{ a: string; b: string }>(
      `SELECT least(customer_id, merged_customer_id)::text AS a, greatest(customer_id, merged_customer_id)::text AS b
       FROM customer_merge WHERE unmerged_at IS NOT NULL AND (customer_id = ANY($1::bigint[]) OR merged_customer_id = ANY($1::bigint[]))`,
      [customerIds],
    );
    return new Set(rows.map((r) => `${r.a}:${r.b}`));
  }

  /** n new customers with placeholder names (reconciliation fills them in); ids reserved first so order is known. */
  async createCustomers(names: string[]): Promise<string[]> {
    if (names.length === 0) return [];
    const ids = await this.sql.rows<{ id: string }>(
      // Ordered as numbers (as text, '10' < '9'): the survivor of a merge is the smallest id, so ids must follow
      // the order records arrived in whatever the sequence's current value.
      `SELECT n::text AS id FROM (SELECT nextval(pg_get_serial_sequence('customer', 'id')) AS n FROM generate_series(1, $1::int)) s ORDER BY n`,
      [names.length],
    );
    await this.sql.exec(`INSERT INTO customer (id, full_name) SELECT * FROM unnest($1::bigint[], $2::text[])`, [ids.map((r) => r.id), names]);
    return ids.map((r) => r.id);
  }

  /**
   * Inserts new sources and updates changed ones (attributes, last_seen_at); match_rule and first_seen_at stay.
   * Seen "now" is this statement's time, not the transaction's: a bulk load runs every batch in one
   * transaction, and a later batch must still count as the more recent observation.
   */
  async upsertSources(system: string, rows: NewSourceRow[]): Promise<{ inserted: number; updated: number }> {
    if (rows.length === 0) return { inserted: 0, updated: 0 };
    const [r] = await this.sql.rows<{ inserted: number; updated: number }>(
      `WITH up AS (
         INSERT INTO customer_source AS t (customer_id, source_system, source_key, match_rule, attributes, first_seen_at, last_seen_at)
         SELECT customer_id, $1, source_key, match_rule, attributes, statement_timestamp(), statement_timestamp()
         FROM unnest($2::bigint[], $3::text[], $4::text[], $5::jsonb[]) AS x(customer_id, source_key, match_rule, attributes)
         ON CONFLICT (source_system, source_key) DO UPDATE SET attributes = EXCLUDED.attributes, last_seen_at = statement_timestamp()
         WHERE t.attributes IS DISTINCT FROM EXCLUDED.attributes
         RETURNING (t.xmax = 0) AS inserted)
       SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated FROM up`,
      [system, rows.map((x) => x.customerId), rows.map((x) => x.sourceKey), rows.map((x) => x.matchRule), rows.map((x) => JSON.stringify(x.attributes))],
    );
    return r;
  }

  /** Replaces the identifiers asserted by these source records with the given ones. */
  async replaceIdentifiers(system: string, recordType: string, sourceKeys: string[], rows: IdentifierRow[]): Promise<void> {
    if (sourceKeys.length === 0) return;
    await this.sql.exec(`DELETE FROM customer_identifier WHERE source_system = $1 AND record_type = $2 AND source_key = ANY($3::text[])`, [
      system,
      recordType,
      sourceKeys,
    ]);
    if (rows.length === 0) return;
    await this.sql.exec(
      `INSERT INTO customer_identifier (customer_id, kind, value_hash, source_system, record_type, source_key)
       SELECT customer_id, kind, value_hash, $1, record_type, source_key
       FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[]) AS x(customer_id, kind, value_hash, record_type, source_key)`,
      [system, rows.map((r) => r.customerId), rows.map((r) => r.kind), rows.map((r) => r.valueHash), rows.map((r) => r.recordType), rows.map((r) => r.sourceKey)],
    );
  }

  async sourceProfiles(customerIds: string[]): Promise<Map<string, SourceProfile[]>> {
    const byCustomer = new Map<string, SourceProfile[]>();
    if (customerIds.length === 0) return byCustomer;
    const rows = await this.sql.rows<{ customer_id: string; source_system: string; source_key: string; attributes: Record<string, unknown>; observed_at: string }>(
      `SELECT customer_id::text, source_system, source_key, attributes,
              to_char(coalesce((attributes->>'updatedAt')::timestamptz, last_seen_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS observed_at
       FROM customer_source WHERE customer_id = ANY($1::bigint[])`,
      [customerIds],
    );
    for (const id of customerIds) byCustomer.set(id, []);
    for (const r of rows) {
      byCustomer.get(r.customer_id)?.push({ sourceSystem: r.source_system, sourceKey: r.source_key, attributes: r.attributes, observedAt: r.observed_at });
    }
    return byCustomer;
  }

  /** Writes reconciled profiles, touching only customers whose profile actually changes. */
  async updateProfiles(profiles: { id: string; values: Record<string, string | null> }[]): Promise<number> {
    if (profiles.length === 0) return 0;
    const f = (k: string) => profiles.map((p) => p.values[k] ?? null);
    return this.sql.exec(
      `UPDATE customer c SET full_name = x.full_name, birth_date = x.birth_date, gender = x.gender, occupation = x.occupation,
              income_band = x.income_band, city = x.city, region = x.region, email = x.email, phone = x.phone, updated_at = now()
       FROM unnest($1::bigint[], $2::text[], $3::date[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])
            AS x(id, full_name, birth_date, gender, occupation, income_band, city, region, email, phone)
       WHERE c.id = x.id AND (c.full_name, c.birth_date, c.gender, c.occupation, c.income_band, c.city, c.region, c.email, c.phone)
             IS DISTINCT FROM (x.full_name, x.birth_date, x.gender, x.occupation, x.income_band, x.city, x.region, x.email, x.phone)`,
      [profiles.map((p) => p.id), f('fullName'), f('birthDate'), f('gender'), f('occupation'), f('incomeBand'), f('city'), f('region'), f('email'), f('phone')],
    );
  }

  /**
   * Customer-owned tables this module does not know by name (other features add them): every base table with
   * a customer_id column, so a merge re-points them too instead of letting ON DELETE CASCADE drop their rows.
   */
  async otherCustomerTables(): Promise<OtherTable[]> {
    const known = [...MOVED_TABLES, 'account_holder', 'mobile_enrolment', 'customer_merge'];
    const rows = await this.sql.rows<{ name: string; key: string[] | null; uniques: string[][] | null }>(
      `SELECT c.relname AS name,
              (SELECT array_agg(a.attname::text ORDER BY a.attnum) FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
                WHERE i.indrelid = c.oid AND i.indisprimary AND a.attname <> 'customer_id') AS key,
              (SELECT json_agg(cols) FROM (
                 SELECT array_agg(a.attname::text ORDER BY a.attnum) FILTER (WHERE a.attname <> 'customer_id') AS cols
                 FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
                 WHERE i.indrelid = c.oid AND i.indisunique GROUP BY i.indexrelid HAVING bool_or(a.attname = 'customer_id')) u) AS uniques
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute ca ON ca.attrelid = c.oid AND ca.attname = 'customer_id' AND NOT ca.attisdropped
       WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT (c.relname = ANY ($1::text[]))
       ORDER BY c.relname`,
      [known],
    );
    return rows.map((r) => ({ name: r.name, key: r.key ?? [], uniques: (r.uniques ?? []).map((u) => u ?? []) }));
  }

  /**
   * Moves everything of `mergedId` to `survivorId` and deletes the merged customer, recording every moved row
   * id so the merge can be undone exactly. One statement re-points accounts and their children together, so
   * the composite foreign keys hold at its end.
   */
  async merge(survivorId: string, mergedId: string, rule: string, trigger: { system: string; key: string } | undefined): Promise<string> {
    const [mergedCustomer] = await this.sql.rows<{ row: Record<string, unknown> }>(`SELECT to_jsonb(c) AS row FROM customer c WHERE id = $1`, [mergedId]);
    if (!mergedCustomer) throw new Error(`merge: customer ${mergedId} does not exist`);
    const accountHolders = await this.sql.rows<{ id: string; customer_id: string; holder_customer_id: string }>(
      `SELECT id::text, customer_id::text, holder_customer_id::text FROM account_holder WHERE customer_id = $1 OR holder_customer_id = $1`,
      [mergedId],
    );
    let setAsideEnrolment: Record<string, unknown> | null = null;
    const enrolments = await this.sql.rows<{ customer_id: string; row: Record<string, unknown> }>(
      `SELECT customer_id::text, to_jsonb(e) AS row FROM mobile_enrolment e WHERE customer_id = ANY($1::bigint[])`,
      [[survivorId, mergedId]],
    );
    const mergedEnrolment = enrolments.find((e) => e.customer_id === mergedId);
    if (mergedEnrolment && enrolments.some((e) => e.customer_id === survivorId)) {
      setAsideEnrolment = mergedEnrolment.row;
      await this.sql.exec(`DELETE FROM mobile_enrolment WHERE customer_id = $1`, [mergedId]);
    }
    // Other tables: rows that would collide with the survivor's on a unique key are set aside first.
    const others = await this.otherCustomerTables();
    const setAside: Record<string, Record<string, unknown>[]> = {};
    for (const t of others) {
      for (const cols of t.uniques) {
        const same = cols.map((c) => `s.${q(c)} IS NOT DISTINCT FROM m.${q(c)}`).concat('TRUE').join(' AND ');
        const rows = await this.sql.rows<{ row: Record<string, unknown> }>(
          `DELETE FROM ${q(t.name)} m WHERE m.customer_id = $2 AND EXISTS (SELECT 1 FROM ${q(t.name)} s WHERE s.customer_id = $1 AND ${same}) RETURNING to_jsonb(m) AS row`,
          [survivorId, mergedId],
        );
        if (rows.length) setAside[t.name] = [...(setAside[t.name] ?? []), ...rows.map((r) => r.row)];
      }
    }
    const otherCtes = others.map(
      (t, i) => `o_${i} AS (UPDATE ${q(t.name)} SET customer_id = $1 WHERE customer_id = $2 RETURNING ${rowKey(t.name, t.key)} AS k)`,
    );
    const otherSelect = others.map((_, i) => `(SELECT coalesce(jsonb_agg(k), '[]') FROM o_${i}) AS o_${i}`);
    const ctes = [...MOVED_TABLES.map((t) => `m_${t} AS (UPDATE ${t} SET customer_id = $1 WHERE customer_id = $2 RETURNING id)`), ...otherCtes];
    const [moved] = await this.sql.rows<Record<string, string[] & Record<string, unknown>[]>>(
      `WITH ${ctes.join(',\n')},
       account_holder_moved AS (
         UPDATE account_holder SET customer_id = CASE WHEN customer_id = $2 THEN $1 ELSE customer_id END,
                                   holder_customer_id = CASE WHEN holder_customer_id = $2 THEN $1 ELSE holder_customer_id END
         WHERE customer_id = $2 OR holder_customer_id = $2 RETURNING id),
       mobile_enrolment_moved AS (UPDATE mobile_enrolment SET customer_id = $1 WHERE customer_id = $2 RETURNING id)
       SELECT ${MOVED_TABLES.map((t) => `(SELECT coalesce(array_agg(id::text ORDER BY id), '{}') FROM m_${t}) AS ${t}`).join(', ')},
              (SELECT coalesce(array_agg(id::text), '{}') FROM mobile_enrolment_moved) AS mobile_enrolment,
              (SELECT count(*) FROM account_holder_moved) AS holders${otherSelect.map((x) => `, ${x}`).join('')}`,
      [survivorId, mergedId],
    );
    const movedEnrolment = (moved.mobile_enrolment as string[])[0] ?? null;
    const movedIds: Record<string, string[]> = {};
    for (const t of MOVED_TABLES) movedIds[t] = moved[t];
    await this.sql.exec(`DELETE FROM customer WHERE id = $1`, [mergedId]);
    const other: Record<string, Record<string, unknown>[]> = {};
    others.forEach((t, i) => {
      if (moved[`o_${i}`].length) other[t.name] = moved[`o_${i}`];
    });
    const detail: MergeDetail = { moved: movedIds, accountHolders, mergedCustomer: mergedCustomer.row, setAsideEnrolment, movedEnrolment, other, setAside };
    const [row] = await this.sql.rows<{ id: string }>(
      `INSERT INTO customer_merge (customer_id, merged_customer_id, match_rule, trigger_source_system, trigger_source_key, detail)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id::text`,
      [survivorId, mergedId, rule, trigger?.system ?? null, trigger?.key ?? null, JSON.stringify(detail)],
    );
    return row.id;
  }

  async mergeById(mergeId: string): Promise<MergeRow | undefined> {
    const [r] = await this.sql.rows<{ id: string; customer_id: string; merged_customer_id: string; match_rule: string; unmerged_at: string | null; detail: MergeDetail }>(
      `SELECT id::text, customer_id::text, merged_customer_id::text, match_rule, unmerged_at::text, detail FROM customer_merge WHERE id = $1 FOR UPDATE`,
      [mergeId],
    );
    return r && { id: r.id, customerId: r.customer_id, mergedCustomerId: r.merged_customer_id, matchRule: r.match_rule, unmergedAt: r.unmerged_at, detail: r.detail };
  }

  async customerExists(id: string): Promise<boolean> {
    return (await this.sql.rows(`SELECT 1 FROM customer WHERE id = $1`, [id])).length > 0;
  }

  /**
   * Reverses a merge: the merged customer comes back with its id and profile, and every recorded row goes back
   * to it. Rows that arrived after the merge on accounts that had moved go back with their account.
   */
  async unmerge(merge: MergeRow): Promise<void> {
    const { customerId: survivorId, mergedCustomerId: mergedId, detail } = merge;
    await this.sql.exec(`INSERT INTO customer SELECT * FROM jsonb_populate_record(NULL::customer, $1::jsonb)`, [JSON.stringify(detail.mergedCustomer)]);
    const accountIds = detail.moved.account ?? [];
    const idsOf = (t: string) => detail.moved[t] ?? [];
    const accountChild = (t: string) =>
      `m_${t} AS (UPDATE ${t} SET customer_id = $2 WHERE customer_id = $1 AND (id = ANY($${paramOf(t)}::bigint[]) OR account_id = ANY($3::bigint[])) RETURNING 1)`;
    const plain = (t: string) => `m_${t} AS (UPDATE ${t} SET customer_id = $2 WHERE customer_id = $1 AND id = ANY($${paramOf(t)}::bigint[]) RETURNING 1)`;
    const tables: readonly string[] = MOVED_TABLES;
    const paramOf = (t: string) => 4 + tables.indexOf(t);
    const holders = detail.accountHolders;
    const hp = 4 + tables.length; // the holders' three arrays follow the tables' id arrays
    await this.sql.exec(
      `WITH ${tables.map((t) => (ACCOUNT_CHILD_TABLES.includes(t) ? accountChild(t) : plain(t))).join(',\n')},
       holders_on_accounts AS (
         UPDATE account_holder h SET customer_id = $2,
           holder_customer_id = CASE WHEN r.holder_customer_id IS NOT NULL THEN r.holder_customer_id ELSE h.holder_customer_id END
         FROM (SELECT h2.id, x.holder_customer_id FROM account_holder h2
               LEFT JOIN unnest($${hp}::bigint[], $${hp + 1}::bigint[], $${hp + 2}::bigint[]) AS x(id, customer_id, holder_customer_id) ON x.id = h2.id
               WHERE h2.customer_id = $1 AND h2.account_id = ANY($3::bigint[])) r
         WHERE h.id = r.id AND h.customer_id = $1 RETURNING 1)
       SELECT 1`,
      [survivorId, mergedId, accountIds, ...tables.map(idsOf), holders.map((h) => h.id), holders.map((h) => h.customer_id), holders.map((h) => h.holder_customer_id)],
    );
    // Identifiers re-asserted after the merge got new ids: they follow the source record that asserts them.
    await this.sql.exec(
      `UPDATE customer_identifier i SET customer_id = $2 FROM customer_source cs
       WHERE cs.customer_id = $2 AND i.customer_id = $1 AND i.record_type = 'customer' AND i.source_system = cs.source_system AND i.source_key = cs.source_key`,
      [survivorId, mergedId],
    );
    // Holder rows on accounts that stayed with the survivor but whose holder was the merged customer.
    if (holders.length) {
      await this.sql.exec(
        `UPDATE account_holder h SET holder_customer_id = x.holder_customer_id
         FROM unnest($1::bigint[], $2::bigint[], $3::bigint[]) AS x(id, customer_id, holder_customer_id)
         WHERE h.id = x.id AND h.customer_id = x.customer_id AND h.holder_customer_id <> x.holder_customer_id`,
        [holders.map((h) => h.id), holders.map((h) => h.customer_id), holders.map((h) => h.holder_customer_id)],
      );
    }
    if (detail.movedEnrolment) await this.sql.exec(`UPDATE mobile_enrolment SET customer_id = $2 WHERE customer_id = $1 AND id = $3`, [survivorId, mergedId, detail.movedEnrolment]);
    if (detail.setAsideEnrolment) {
      await this.sql.exec(`INSERT INTO mobile_enrolment SELECT * FROM jsonb_populate_record(NULL::mobile_enrolment, $1::jsonb)`, [
        JSON.stringify(detail.setAsideEnrolment),
      ]);
    }
    const otherTables = Object.keys(detail.other ?? {});
    if (otherTables.length) {
      const keys = await this.otherCustomerTables();
      // One statement, so foreign keys among these tables hold at its end.
      const ctes = otherTables.map((name, i) => {
        const key = keys.find((t) => t.name === name)?.key ?? [];
        return `o_${i} AS (UPDATE ${q(name)} SET customer_id = $2 WHERE customer_id = $1
                 AND ${rowKey(name, key)} IN (SELECT value FROM jsonb_array_elements($${i + 3}::jsonb)) RETURNING 1)`;
      });
      await this.sql.exec(`WITH ${ctes.join(',\n')} SELECT 1`, [survivorId, mergedId, ...otherTables.map((t) => JSON.stringify(detail.other![t]))]);
    }
    for (const [name, rows] of Object.entries(detail.setAside ?? {})) {
      await this.sql.exec(`INSERT INTO ${q(name)} SELECT * FROM jsonb_populate_recordset(NULL::${q(name)}, $1::jsonb)`, [JSON.stringify(rows)]);
    }
    await this.sql.exec(`UPDATE customer_merge SET unmerged_at = now() WHERE id = $1`, [merge.id]);
  }
}
