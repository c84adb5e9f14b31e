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
