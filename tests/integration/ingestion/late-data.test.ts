import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createTestDatabase, TestDatabase } from '../../helpers/test-database';
import { count, ingest, tempDir } from './helpers';

const dir = tempDir();
const ndjson = (name: string, records: object[]) => {
  const p = path.join(dir, name);
  writeFileSync(p, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return p;
};
const tx = (key: string, accountKey: string, amount = '10.00') => ({
  type: 'transaction',
  key,
  accountKey,
  bookedAt: '2024-05-01T10:00:00Z',
  amount,
  channel: 'BRANCH',
  counterpartyKind: 'CASH',
});

describe('late data: children before their parent wait in ingest_pending and are linked when it arrives', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const early = ndjson('early-transactions.ndjson', [tx('TL1', 'AL1'), tx('TL2', 'AL1'), tx('TL3', 'AL-NEVER')]);

  it('holds transactions whose account is unknown, counted as pending, not rejected', async () => {
    const r = await ingest(db, 'core-banking', [early]);
    expect(r).toMatchObject({ read: 3, inserted: 0, rejected: 0, pending: 3, stillPending: 3 });
    const held = await db.dataSource.query(`SELECT record_type, source_key, parent_type, parent_key, line FROM ingest_pending ORDER BY source_key`);
    expect(held).toEqual([
      { record_type: 'transaction', source_key: 'TL1', parent_type: 'account', parent_key: 'AL1', line: 1 },
      { record_type: 'transaction', source_key: 'TL2', parent_type: 'account', parent_key: 'AL1', line: 2 },
      { record_type: 'transaction', source_key: 'TL3', parent_type: 'account', parent_key: 'AL-NEVER', line: 3 },
    ]);
  });

  it('counts an identical re-send of held records as unchanged', async () => {
    const r = await ingest(db, 'core-banking', [early]);
    expect(r).toMatchObject({ read: 3, unchanged: 3, pending: 0, stillPending: 3 });
  });

  it('keeps the newest version of a held record', async () => {
    const r = await ingest(db, 'core-banking', [ndjson('correction.ndjson', [tx('TL2', 'AL1', '-25.00')])]);
    expect(r).toMatchObject({ pending: 1, unchanged: 0 });
  });

  it('promotes the held transactions when their account arrives, with the account owner as customer', async () => {
    const r = await ingest(db, 'core-banking', [
      ndjson('accounts.ndjson', [
        { type: 'customer', key: 'CL1', fullName: 'Zhou Ming' },
        { type: 'account', key: 'AL1', customerKey: 'CL1', productType: 'CURRENT', openedAt: '2020-01-01' },
      ]),
    ]);
    expect(r).toMatchObject({ inserted: 4, promoted: 2, stillPending: 1 });
    const rows = await db.dataSource.query(
      `SELECT t.source_key, t.amount, t.customer_id = a.customer_id AS owner FROM bank_transaction t JOIN account a ON a.id = t.account_id ORDER BY 1`,
    );
    expect(rows).toEqual([
      { source_key: 'TL1', amount: '10.00', owner: true },
      { source_key: 'TL2', amount: '-25.00', owner: true },
    ]);
    expect(await count(db, 'ingest_pending')).toBe(1);
  });

  it('chains: an account waiting for its customer, and its transaction waiting for it, both land when the customer arrives', async () => {
    const first = await ingest(db, 'core-banking', [
      ndjson('orphans.ndjson', [{ type: 'account', key: 'AL2', customerKey: 'CL2', productType: 'SAVINGS', openedAt: '2021-01-01' }, tx('TL4', 'AL2')]),
    ]);
    expect(first).toMatchObject({ pending: 2, inserted: 0 });
    const second = await ingest(db, 'core-banking', [ndjson('late-customer.ndjson', [{ type: 'customer', key: 'CL2', fullName: 'Wu Hao' }])]);
    expect(second).toMatchObject({ promoted: 2, customersCreated: 1, stillPending: 1 });
    expect(await count(db, 'bank_transaction', `source_key = 'TL4'`)).toBe(1);
    const [{ n }] = await db.dataSource.query(
      `SELECT count(*)::int AS n FROM account a JOIN customer_source cs ON cs.customer_id = a.customer_id WHERE a.source_key = 'AL2' AND cs.source_key = 'CL2'`,
    );
    expect(n).toBe(1);
    // The one whose account never came is still held, visible and counted.
    const [held] = await db.dataSource.query(`SELECT source_key FROM ingest_pending`);
    expect(held.source_key).toBe('TL3');
  });

  it('registers the number of a held card once the card lands, so card matching still works', async () => {
    await ingest(db, 'core-banking', [
      ndjson('early-card.ndjson', [{ type: 'card', key: 'KL1', accountKey: 'AL9', cardNumber: '4012 8888 8888 1881', cardType: 'DEBIT', issuedAt: '2024-01-01' }]),
    ]);
    expect(await count(db, 'customer_identifier', `kind = 'CARD'`)).toBe(0);
    const r = await ingest(db, 'core-banking', [
      ndjson('card-account.ndjson', [
        { type: 'customer', key: 'CL9', fullName: 'He Jun' },
        { type: 'account', key: 'AL9', customerKey: 'CL9', productType: 'CURRENT', openedAt: '2023-01-01' },
      ]),
    ]);
    expect(r.promoted).toBe(1);
    const [id] = await db.dataSource.query(
      `SELECT i.record_type, i.source_key, cs.source_key AS customer FROM customer_identifier i JOIN customer_source cs ON cs.customer_id = i.customer_id WHERE i.kind = 'CARD'`,
    );
    expect(id).toEqual({ record_type: 'card', source_key: 'KL1', customer: 'CL9' });
  });
});
