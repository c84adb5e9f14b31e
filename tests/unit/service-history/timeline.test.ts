import { followUpStatus } from '../../../src/modules/service-history/follow-up-status';
import { parseTimelineSortValue, timelineSortValue, timelineSummary } from '../../../src/modules/service-history/timeline';

describe('timeline cursors', () => {
  it('round-trips (occurredAt with microseconds, kind)', () => {
    const sort = timelineSortValue('2024-03-01T09:30:00.123456Z', 'ACCOUNT_OPENED');
    expect(parseTimelineSortValue(sort, '42', 'after')).toEqual({ occurredAt: '2024-03-01T09:30:00.123456Z', kind: 'ACCOUNT_OPENED', sourceId: '42' });
  });

  it('refuses anything else with BAD_USER_INPUT on the argument', () => {
    for (const bad of [null, '2024-03-01T09:30:00Z|ACCOUNT_OPENED', '2024-03-01T09:30:00.123456Z|NOPE', '2024-03-01T09:30:00.123456Z|SALE|x', "'; DROP TABLE x; --"]) {
      expect(() => parseTimelineSortValue(bad, '1', 'before')).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', details: { field: 'before' } }));
    }
  });
});

describe('timeline summaries', () => {
  it('describes each kind in one line', () => {
    expect(timelineSummary('COMPLAINT', 'CALL_CENTRE', { outcome: 'ESCALATED' })).toBe('Complaint via call centre (escalated)');
    expect(timelineSummary('MARKETING_CONTACT', 'SMS', { outcome: null })).toBe('Marketing contact via sms');
    expect(timelineSummary('ACCOUNT_OPENED', null, { productType: 'TIME_DEPOSIT' })).toBe('Opened a time deposit account');
    expect(timelineSummary('ACCOUNT_CLOSED', null, { productType: 'SAVINGS' })).toBe('Closed a savings account');
    expect(timelineSummary('LOAN_GRANTED', null, { principal: '50000.00', termMonths: 36 })).toBe('Loan of 50000.00 granted over 36 months');
    expect(timelineSummary('FIRST_PARTNER_PURCHASE', 'PARTNER', { partnerName: 'ShopMall', amount: '25.00', currency: 'CNY' })).toBe('First purchase with ShopMall (25.00 CNY)');
    expect(timelineSummary('SEGMENT_EXITED', null, { segmentName: 'Dormant' })).toBe('Left the segment "Dormant"');
  });
});

describe('follow-up status', () => {
  const now = new Date('2024-06-30T12:00:00.000Z');
  it('is OPEN until the due time has passed, then OVERDUE; completed wins', () => {
    expect(followUpStatus(new Date('2024-06-30T12:00:00.000Z'), null, now)).toBe('OPEN');
    expect(followUpStatus(new Date('2024-06-30T11:59:59.999Z'), null, now)).toBe('OVERDUE');
    expect(followUpStatus(new Date('2024-06-01T00:00:00.000Z'), new Date('2024-06-02T00:00:00.000Z'), now)).toBe('COMPLETED');
  });
});
