import { berkaDate, decodeBirthNumber, mapBerkaTransaction } from '../../../src/ingestion/adapters/berka.adapter';
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
