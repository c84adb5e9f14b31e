import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IngestFormat, IngestionService } from '../../../src/ingestion/ingestion.service';
import { IngestSummary } from '../../../src/ingestion/pipeline';
import { SourceKind } from '../../../src/ingestion/records';
import { MemoryRejectSink } from '../../../src/ingestion/rejects';
import { TestDatabase } from '../../helpers/test-database';

export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const EXAMPLES = path.join(REPO_ROOT, 'examples/ingest');
export const DATASETS = process.env.FATTAIL_DATASETS ?? path.resolve(REPO_ROOT, '../shared/datasets');

export function tempDir(prefix = 'fattail-ingest-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

export async function ingest(
  db: TestDatabase,
  source: SourceKind,
  paths: string[],
  options: { partnerCode?: string; format?: IngestFormat; bulk?: boolean } = {},
): Promise<IngestSummary & { rejections: MemoryRejectSink['rejections'] }> {
  const sink = new MemoryRejectSink();
  const summary = await new IngestionService(db).ingestFiles(source, paths, { ...options, rejects: sink });
  return { ...summary, rejections: sink.rejections };
}

export async function count(db: TestDatabase, table: string, where = 'TRUE', params: unknown[] = []): Promise<number> {
  const [{ n }] = await db.dataSource.query(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, params);
  return n;
}

/**
 * Table contents keyed by source keys instead of generated ids and without clock columns, so two databases
 * loaded separately can be compared.
 */
export async function snapshot(db: TestDatabase): Promise<Record<string, unknown[]>> {
  const q = (sql: string) => db.dataSource.query(sql);
  // A customer is named by the smallest (system, key) of its sources.
  const cust = `(SELECT min(cs.source_system || '/' || cs.source_key) FROM customer_source cs WHERE cs.customer_id = %s)`;
  const c = (col: string) => cust.replace('%s', col);
  return {
    customer: await q(`SELECT ${c('c.id')} AS who, full_name, birth_date::text, gender, city, region, email, phone FROM customer c ORDER BY 1`),
    customer_source: await q(`SELECT ${c('s.customer_id')} AS who, source_system, source_key, match_rule, attributes FROM customer_source s ORDER BY 2, 3`),
    customer_identifier: await q(`SELECT ${c('i.customer_id')} AS who, kind, value_hash, source_system, record_type, source_key FROM customer_identifier i ORDER BY 4, 5, 6, 2`),
    account: await q(`SELECT ${c('a.customer_id')} AS who, source_key, product_type, currency, opened_at, balance, source_codes FROM account a ORDER BY 2`),
    account_holder: await q(
      `SELECT ${c('h.holder_customer_id')} AS holder, a.source_key AS account, h.role, h.source_key FROM account_holder h JOIN account a ON a.id = h.account_id ORDER BY 4`,
    ),
    bank_transaction: await q(
      `SELECT ${c('t.customer_id')} AS who, a.source_key AS account, t.source_key, t.booked_at, t.amount, t.currency, t.channel, t.counterparty_kind, t.description, t.source_codes
       FROM bank_transaction t JOIN account a ON a.id = t.account_id ORDER BY t.source_key`,
    ),
    loan: await q(`SELECT ${c('l.customer_id')} AS who, source_key, principal, term_months, status, granted_at FROM loan l ORDER BY 2`),
    card: await q(`SELECT ${c('k.customer_id')} AS who, source_key, card_type, tier, last_four, issued_at FROM card k ORDER BY 2`),
    standing_order: await q(
      `SELECT ${c('o.customer_id')} AS who, a.source_key AS account, o.source_key, o.amount, o.currency, o.purpose, o.recipient_bank, o.recipient_account, o.source_codes
       FROM standing_order o JOIN account a ON a.customer_id = o.customer_id AND a.id = o.account_id ORDER BY o.source_key`,
    ),
    mobile_enrolment: await q(`SELECT ${c('e.customer_id')} AS who, source_key, enrolled_at, devices FROM mobile_enrolment e ORDER BY 2`),
    mobile_session: await q(`SELECT ${c('s.customer_id')} AS who, source_key, started_at, duration_seconds, features_used FROM mobile_session s ORDER BY 2`),
    partner_purchase: await q(`SELECT ${c('p.customer_id')} AS who, source_key, purchased_at, amount, currency, source_codes FROM partner_purchase p ORDER BY 2`),
    customer_merge: await q(`SELECT ${c('m.customer_id')} AS who, match_rule, trigger_source_system, trigger_source_key, unmerged_at IS NULL AS active FROM customer_merge m ORDER BY 3, 4`),
    ingest_pending: await q(`SELECT source_system, record_type, source_key, parent_key, payload FROM ingest_pending ORDER BY 1, 2, 3`),
  };
}
