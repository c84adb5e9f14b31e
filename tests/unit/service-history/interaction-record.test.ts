import { checkInteractionRecord } from '../../../src/modules/service-history/interaction-record';

const NOW = new Date('2024-06-30T12:00:00.000Z');
const base = {
  sourceSystem: 'crm',
  sourceKey: 'CRM-1',
  customerKey: 'CIF-0042',
  occurredAt: '2024-06-01T09:30:00+08:00',
  channel: 'BRANCH',
  kind: 'SERVICE_REQUEST',
};

describe('the canonical interaction record', () => {
  it('accepts a minimal record and fills the defaults', () => {
    expect(checkInteractionRecord(base, NOW)).toEqual({
      record: {
        sourceSystem: 'crm',
        sourceKey: 'CRM-1',
        customerId: null,
        customerSystem: 'core-banking',
        customerKey: 'CIF-0042',
        occurredAt: '2024-06-01T09:30:00+08:00',
        channel: 'BRANCH',
        kind: 'SERVICE_REQUEST',
        outcome: null,
        branchId: null,
        branchCode: null,
        staffRef: null,
        productType: null,
        note: null,
      },
    });
  });

  it('reads CSV-style rows: every value a string, empty cells absent, a type column allowed', () => {
    const row = { type: 'interaction', ...base, customerSystem: 'mobile-banking', outcome: '', branchCode: 'CD01', staffRef: ' E100 ', productType: 'SAVINGS', note: '' };
    expect(checkInteractionRecord(row, NOW)).toMatchObject({
      record: { customerSystem: 'mobile-banking', outcome: null, branchCode: 'CD01', staffRef: 'E100', productType: 'SAVINGS', note: null },
    });
  });

  it('names the field it refuses', () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ ...base, sourceKey: '' }, 'sourceKey', /required/],
      [{ ...base, channel: 'FAX' }, 'channel', /one of BRANCH, CALL_CENTRE/],
      [{ ...base, kind: undefined }, 'kind', /required/],
      [{ ...base, outcome: 'MAYBE' }, 'outcome', /must be one of/],
      [{ ...base, productType: 'BITCOIN' }, 'productType', /must be one of/],
      [{ ...base, customerKey: null }, 'customerKey', /required/],
      [{ ...base, customerId: 'C-1', customerKey: null }, 'customerId', /numeric/],
      [{ ...base, occurredAt: '2024-06-01 09:30' }, 'occurredAt', /time zone/],
      [{ ...base, occurredAt: '2024-02-30T09:30:00Z' }, 'occurredAt', /ISO 8601/],
      [{ ...base, occurredAt: '2024-06-30T12:05:01Z' }, 'occurredAt', /future/],
      [{ ...base, note: 'x'.repeat(2001) }, 'note', /longer than 2000/],
      [{ ...base, channel: ['BRANCH'] }, 'channel', /string/],
      [{ ...base, ocurredAt: '2024-06-01T09:30:00Z' }, 'ocurredAt', /unknown field/],
      [{ ...base, type: 'transaction' }, 'type', /interaction/],
    ];
    for (const [raw, field, reason] of cases) {
      const result = checkInteractionRecord(raw, NOW);
      expect({ field: 'field' in result ? result.field : 'accepted' }).toEqual({ field });
      expect('reason' in result && result.reason).toMatch(reason);
    }
  });

  it('accepts an occurredAt up to five minutes ahead of the clock (clock skew), not more', () => {
    expect('record' in checkInteractionRecord({ ...base, occurredAt: '2024-06-30T12:05:00Z' }, NOW)).toBe(true);
    expect('record' in checkInteractionRecord({ ...base, occurredAt: '2024-06-30T12:05:00.001Z' }, NOW)).toBe(false);
  });

  it('prefers the customer id over a key, and a branch id over a code', () => {
    const result = checkInteractionRecord({ ...base, customerId: 7, branchId: '3', branchCode: 'CD01' }, NOW);
    expect(result).toMatchObject({ record: { customerId: '7', customerSystem: null, customerKey: null, branchId: '3', branchCode: null } });
  });
});
