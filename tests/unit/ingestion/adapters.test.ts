import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { berkaDate, closingBalances, decodeBirthNumber, mapBerkaTransaction } from '../../../src/ingestion/adapters/berka.adapter';
import { validateRecord } from '../../../src/ingestion/validate';

const trans = (over: Partial<Record<string, string>>) => ({
  trans_id: '1',
  account_id: '2',
  date: '930105',
  type: 'PRIJEM',
  operation: 'VKLAD',
  amount: '700.00',
  balance: '700.00',
  k_symbol: '',
  bank: '',
  account: '',
  ...over,
});

describe('berka decoding', () => {
  it('reads birth numbers: women have 50 added to the month', () => {
    expect(decodeBirthNumber('706213')).toEqual({ birthDate: '1970-12-13', gender: 'FEMALE' });
    expect(decodeBirthNumber('450204')).toEqual({ birthDate: '1945-02-04', gender: 'MALE' });
  });

  it('reads YYMMDD dates, with or without a time part, as 19YY', () => {
    expect(berkaDate('930105')).toBe('1993-01-05');
    expect(berkaDate('931107 00:00:00')).toBe('1993-11-07');
  });

  it.each([
    [{ type: 'PRIJEM', operation: 'VKLAD' }, '700.00', 'BRANCH', 'CASH'],
    [{ type: 'VYDAJ', operation: 'VYBER KARTOU' }, '-700.00', 'ATM', 'CASH'],
    [{ type: 'VYBER', operation: 'VYBER' }, '-700.00', 'BRANCH', 'CASH'],
    [{ type: 'PRIJEM', operation: 'PREVOD Z UCTU', k_symbol: 'DUCHOD' }, '700.00', 'BRANCH', 'GOVERNMENT'],
    [{ type: 'VYDAJ', operation: 'PREVOD NA UCET', k_symbol: 'SIPO' }, '-700.00', 'BRANCH', 'MERCHANT'],
    [{ type: 'VYDAJ', operation: 'VYBER', k_symbol: 'SLUZBY' }, '-700.00', 'BRANCH', 'BANK_FEE'],
    [{ type: 'VYDAJ', operation: 'VYBER', k_symbol: 'SANKC. UROK' }, '-700.00', 'BRANCH', 'BANK_FEE'],
    [{ type: 'PRIJEM', operation: '', k_symbol: 'UROK' }, '700.00', 'BRANCH', 'INTEREST'],
  ])('maps %j', (codes, amount, channel, kind) => {
    const t = mapBerkaTransaction(trans(codes as Record<string, string>));
    expect(t).toMatchObject({ amount, channel, counterpartyKind: kind, currency: 'CZK', bookedAt: '1993-01-05' });
    expect(t.sourceCodes).toMatchObject({ type: codes.type });
  });

  it('leaves an unknown code for validation to reject, naming it', () => {
    const raw = mapBerkaTransaction(trans({ operation: 'TELEPORT' }));
    const result = validateRecord(raw, 'trans.asc', 9, { allowedTypes: ['transaction'], hashKey: 'k', defaultCountry: 'CZ' });
    expect(result).toMatchObject({ line: 9, field: 'channel', reason: expect.stringContaining('TELEPORT') });
  });
});

describe('berka closing balances', () => {
  const header = '"trans_id";"account_id";"date";"type";"operation";"amount";"balance";"k_symbol";"bank";"account"';
  const row = (id: number, account: number, date: string, type: string, amount: string, balance: string) =>
    `${id};${account};${date};"${type}";"";${amount};${balance};"";;`;
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'berka-balances-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("takes, of each account's last day, the stated balance with the whole day applied, whatever the rows' order", async () => {
    const file = path.join(dir, 'trans.asc');
    const rows = [
      row(1, 7, '930101', 'PRIJEM', '1000.00', '1000.00'),
      row(2, 8, '930101', 'PRIJEM', '50.00', '50.00'),
      // Account 7's last day lists the closing row first: 1000 + 500 - 200 = 1300.
      row(3, 7, '930102', 'VYDAJ', '200.00', '1300.00'),
      row(4, 7, '930102', 'PRIJEM', '500.00', '1500.00'),
      // A 0.1 rounding in the data: the running total says 29.90, the bank says 30.00.
      row(5, 8, '930103', 'VYBER', '19.90', '30.00'),
      '9;8;930104;"VYDAJ";"";lots;12.00;"";;', // a bad amount: left to the main pass, which rejects it
      row(6, 9, '930104', 'VYDAJ', '10.00', '-10.00'),
    ];
    writeFileSync(file, [header, ...rows].join('\r\n') + '\r\n');
    expect(Object.fromEntries(await closingBalances(file))).toEqual({ '7': '1300.00', '8': '30.00', '9': '-10.00' });
  });
});
