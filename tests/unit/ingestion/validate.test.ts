import { validateRecord } from '../../../src/ingestion/validate';

const ctx = { allowedTypes: ['customer', 'transaction'] as const, hashKey: 'test-key', defaultCountry: 'CN' };
const customer = (birthDate: string) => validateRecord({ type: 'customer', key: 'C1', birthDate }, 'f.ndjson', 1, ctx);
const transaction = (bookedAt: string) =>
  validateRecord({ type: 'transaction', key: 'T1', accountKey: 'A1', bookedAt, amount: '1.00', channel: 'ATM', counterpartyKind: 'CASH' }, 'f.ndjson', 1, ctx);

describe('calendar dates', () => {
  it.each(['2024-02-29', '2000-02-29', '1999-12-31', '2023-04-30', '1800-01-01', '2200-12-31'])('accepts %s', (d) => {
    expect(customer(d)).toMatchObject({ values: { birthDate: d } });
    expect(transaction(`${d}T10:00:00Z`)).toMatchObject({ values: { bookedAt: `${d}T10:00:00.000Z` } });
  });

  it.each(['2023-02-29', '1900-02-29', '2100-02-29', '2024-04-31', '2024-13-01', '2024-00-10', '2024-01-00', '2024-01-32', '1799-12-31', '2201-01-01'])('refuses %s', (d) => {
    expect(customer(d)).toMatchObject({ field: 'birthDate', reason: `bad date "${d}": expected YYYY-MM-DD` });
    expect(transaction(`${d}T10:00:00Z`)).toMatchObject({ field: 'bookedAt', reason: expect.stringContaining(`bad timestamp "${d}T10:00:00Z"`) });
  });
});

describe('standing orders', () => {
  const coreBanking = { ...ctx, allowedTypes: ['standing_order'] as const };
  const order = (fields: Record<string, unknown>) =>
    validateRecord({ type: 'standing_order', key: 'O1', accountKey: 'A1', amount: '120.00', purpose: 'INSURANCE', ...fields }, 'f.ndjson', 7, coreBanking);

  it('takes the amount as sent, the purpose in any case, and leaves the currency to the account', () => {
    expect(order({ amount: '0.01', purpose: 'household_bills' })).toMatchObject({
      type: 'standing_order',
      key: 'O1',
      values: { accountKey: 'A1', amount: '0.01', purpose: 'HOUSEHOLD_BILLS', currency: null, recipientBank: null },
    });
  });

  it.each(['0', '0.00', '-5.00', '-0.01'])('refuses an amount of %s, naming the field', (amount) => {
    expect(order({ amount })).toMatchObject({ line: 7, key: 'O1', field: 'amount', reason: `amount must be above zero, got ${amount}` });
  });

  it('refuses an unknown purpose and a missing account', () => {
    expect(order({ purpose: 'GIFTS' })).toMatchObject({ field: 'purpose' });
    expect(order({ accountKey: undefined })).toMatchObject({ field: 'accountKey', reason: 'missing field accountKey' });
  });
});
