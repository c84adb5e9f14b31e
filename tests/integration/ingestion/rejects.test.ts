import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadIngestionConfig } from '../../../src/ingestion/ingestion.config';
import { IngestionService } from '../../../src/ingestion/ingestion.service';
import { FileRejectSink } from '../../../src/ingestion/rejects';
import { createTestDatabase, TestDatabase } from '../../helpers/test-database';
import { count, tempDir } from './helpers';

const dir = tempDir();
const file = (name: string, content: string | Buffer) => {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
};
const j = (o: object) => JSON.stringify(o);
const tx = (key: string, extra: object = {}) => ({
  type: 'transaction',
  key,
  accountKey: 'A1',
  bookedAt: '2024-05-01T10:00:00Z',
  amount: '10.00',
  channel: 'POS',
  counterpartyKind: 'MERCHANT',
  ...extra,
});

const BAD_UTF8_PREFIX = '{"type":"customer","key":"C7","fullName":"Caf';

interface RejectLine {
  file: string;
  line: number;
  type?: string;
  key?: string;
  field?: string;
  reason: string;
}

describe('bad records: rejected with file, line, field and reason, never stopping the load', () => {
  let db: TestDatabase;
  let service: IngestionService;
  beforeAll(async () => {
    db = await createTestDatabase();
    // Batches of 3 so that duplicates across batches are exercised too.
    service = new IngestionService(db, loadIngestionConfig({ ...process.env, FATTAIL_INGEST_BATCH_SIZE: '3' }));
    await service.ingestRecords('core-banking', [
      { type: 'customer', key: 'C1', fullName: 'Sun Li' },
      { type: 'account', key: 'A1', customerKey: 'C1', productType: 'CURRENT', openedAt: '2020-01-01' },
    ]);
  });
  afterAll(async () => {
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function load(paths: string[]) {
    const rejectsPath = path.join(dir, `run-${Date.now()}-${Math.random()}.rejects.ndjson`);
    const sink = new FileRejectSink(rejectsPath);
    const summary = await service.ingestFiles('core-banking', paths, { rejects: sink });
    await sink.close();
    let rejects: RejectLine[] = [];
    try {
      rejects = readFileSync(rejectsPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    } catch {
      rejects = [];
    }
    return { summary, rejects };
  }

  it('NDJSON: each kind of bad record has its own reject entry; good records load', async () => {
    const p = file(
      'bad.ndjson',
      Buffer.concat([
        Buffer.from(
          [
            j(tx('T1')),
            j(tx('T2', { amount: undefined })),
            j({ type: 'customer', key: 'C9', birthDate: '1985-02-30' }),
            j(tx('T3', { amount: '12,50' })),
            j(tx('T4', { channel: 'TELEPATHY' })),
            j(tx('T1', { amount: '99.00' })),
            '{"type":"transaction","key":"T5",',
            j(tx('T6')),
            j({ type: 'spaceship', key: 'X1' }),
            j({ type: 'enrolment', key: 'E1', customerKey: 'C1', enrolledAt: '2024-01-01' }),
            j(tx('T7', { colour: 'red' })),
            j({ type: 'customer', key: 'C8', phone: 'not a phone' }),
            j({ type: 'card', key: 'K1', accountKey: 'A1', cardNumber: '4111111111111112', cardType: 'DEBIT', issuedAt: '2024-01-01' }),
            j(tx('T2')),
            '',
          ].join('\n'),
        ),
        Buffer.from(BAD_UTF8_PREFIX, 'utf8'),
        Buffer.from([0xe9]),
        Buffer.from('"}\n', 'utf8'),
        Buffer.from(j(tx('T8')) + '\n' + '{"type":"transaction","key":"T9","accountKey":"A1","bookedAt":"2024-05-0'),
      ]),
    );
    const { summary, rejects } = await load([p]);
    const byLine = Object.fromEntries(rejects.map((r) => [r.line, r]));
    expect(byLine[2]).toMatchObject({ file: p, type: 'transaction', key: 'T2', field: 'amount', reason: 'missing field amount' });
    expect(byLine[3]).toMatchObject({ type: 'customer', key: 'C9', field: 'birthDate', reason: expect.stringContaining('bad date "1985-02-30"') });
    expect(byLine[4]).toMatchObject({ key: 'T3', field: 'amount', reason: expect.stringContaining('bad amount "12,50"') });
    expect(byLine[5]).toMatchObject({ key: 'T4', field: 'channel', reason: expect.stringContaining('unknown channel "TELEPATHY"') });
    expect(byLine[6]).toMatchObject({ key: 'T1', field: 'key', reason: `duplicate transaction key T1 (first at ${p}:1)` });
    expect(byLine[7]).toMatchObject({ reason: expect.stringMatching(/^malformed JSON \(truncated line\?\)/) });
    expect(byLine[9]).toMatchObject({ field: 'type', reason: 'unknown record type "spaceship"' });
    expect(byLine[10]).toMatchObject({ field: 'type', reason: expect.stringContaining('not accepted from this source') });
    expect(byLine[11]).toMatchObject({ key: 'T7', field: 'colour', reason: 'unknown field colour for record type transaction' });
    expect(byLine[12]).toMatchObject({ key: 'C8', field: 'phone' });
    expect(byLine[13]).toMatchObject({ key: 'K1', field: 'cardNumber', reason: 'card number fails the Luhn check' });
    // T2 again, now valid: line 2 was rejected, so this is the first good T2, not a duplicate.
    expect(byLine[14]).toBeUndefined();
    expect(byLine[15]).toMatchObject({ reason: `line is not valid UTF-8 (first bad byte at column ${BAD_UTF8_PREFIX.length + 1})` });
    expect(byLine[17]).toMatchObject({ reason: expect.stringContaining('truncated line') });
    expect(rejects).toHaveLength(13);
    // The clear card number never reaches the rejects file.
    expect(JSON.stringify(rejects)).not.toContain('4111111111111112');
    expect(summary).toMatchObject({ read: 17, rejected: 13, inserted: 4 });
    expect(await count(db, 'bank_transaction')).toBe(4);
    const [{ amount }] = await db.dataSource.query(`SELECT amount FROM bank_transaction WHERE source_key = 'T1'`);
    expect(amount).toBe('10.00');
  });

  it('catches a key repeated in a later batch of the same file', async () => {
    const lines = ['U1', 'U2', 'U3', 'U4', 'U5', 'U1'].map((k) => j(tx(k)));
    const { summary, rejects } = await load([file('dups.ndjson', lines.join('\n') + '\n')]);
    expect(rejects).toEqual([expect.objectContaining({ line: 6, key: 'U1', reason: expect.stringContaining('dups.ndjson:1)') })]);
    expect(summary).toMatchObject({ inserted: 5, rejected: 1 });
  });

  it('CSV: truncated line, unclosed quote, non-UTF-8 field, bad values', async () => {
    const header = 'type,key,accountKey,bookedAt,amount,channel,counterpartyKind,description';
    const p = file(
      'bad.csv',
      Buffer.concat([
        Buffer.from(
          [
            header,
            'transaction,V1,A1,2024-05-01,1.00,POS,MERCHANT,fine',
            'transaction,V2,A1,2024-05-01,1.00,POS',
            'transaction,V3,A1,2024-13-01,1.00,POS,MERCHANT,bad month',
            'transaction,V4,A1,2024-05-01,1.00,POS,MERCHANT,',
          ].join('\r\n') + '\r\n',
        ),
        Buffer.from('transaction,V5,A1,2024-05-01,1.00,POS,MERCHANT,caf'),
        Buffer.from([0xe9, 0x0d, 0x0a]),
        Buffer.from('transaction,V6,A1,2024-05-01,1.00,POS,MERCHANT,"never closed\r\n'),
      ]),
    );
    const { summary, rejects } = await load([p]);
    expect(rejects.map((r) => [r.line, r.field, r.reason])).toEqual([
      [3, undefined, 'truncated line: 6 of 8 fields'],
      [4, 'bookedAt', expect.stringContaining('bad timestamp "2024-13-01"')],
      [6, 'description', 'field description is not valid UTF-8'],
      [7, undefined, expect.stringContaining('Quote Not Closed')],
    ]);
    expect(summary).toMatchObject({ read: 6, inserted: 2, rejected: 4 });
  });

  it('stops a malformed file with a clear error and still loads the other files', async () => {
    const semicolons = file('semicolons.csv', 'type;key;accountKey\r\ntransaction;W1;A1\r\n');
    const utf16 = file('utf16.ndjson', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(j(tx('W2')), 'utf16le')]));
    const good = file('good.ndjson', j(tx('W3')) + '\n');
    const { summary } = await load([semicolons, utf16, good]);
    expect(summary.fileErrors).toEqual([
      `${semicolons}: wrong delimiter: the header has one column containing ";"; expected ","-separated`,
      `${utf16}: file is UTF-16 (byte-order mark found); expected UTF-8`,
    ]);
    expect(summary.inserted).toBe(1);
    expect(await count(db, 'bank_transaction', `source_key = 'W3'`)).toBe(1);
  });

  it('returns rejections to API callers instead of writing a file', async () => {
    const r = await service.ingestRecords('core-banking', [tx('Z1'), tx('Z2', { amount: 'ten' }), 'nope' as unknown as Record<string, unknown>]);
    expect(r.inserted).toBe(1);
    expect(r.rejections).toEqual([
      expect.objectContaining({ file: '<api>', line: 2, key: 'Z2', field: 'amount' }),
      expect.objectContaining({ file: '<api>', line: 3, reason: 'record is not an object' }),
    ]);
  });
});
