import { spendingCategoryLabel, statementYearRange } from '../../../src/modules/service-history/annual-statement';
import { subtractMoney } from '../../../src/modules/service-history/annual-statement.service';

describe('annual statement helpers', () => {
  it('subtracts money exactly, whatever the signs', () => {
    expect(subtractMoney('20045.67', '8248.00')).toBe('11797.67');
    expect(subtractMoney('0.00', '0.00')).toBe('0.00');
    expect(subtractMoney('0.10', '0.30')).toBe('-0.20'); // 0.1 - 0.3 in floats is -0.19999999999999998
    expect(subtractMoney('-5.5', '4.55')).toBe('-10.05');
    expect(subtractMoney('9999999999999999.99', '-0.01')).toBe('10000000000000000.00');
  });

  it('labels merchant category codes, payment platforms and unknown codes', () => {
    expect(spendingCategoryLabel('5411')).toBe('Groceries and supermarkets');
    expect(spendingCategoryLabel('THIRD_PARTY_PLATFORM')).toBe('Payment platforms (Alipay, WeChat Pay ...)');
    expect(spendingCategoryLabel('1234')).toBe('Merchant category 1234');
  });

  it('allows years up to the current one in the bank’s calendar', () => {
    // 31 Dec 2024 17:00 UTC is already 2025 in Shanghai.
    expect(statementYearRange(new Date('2024-12-31T17:00:00Z'), 'Asia/Shanghai')).toEqual({ min: 1970, max: 2025 });
    expect(statementYearRange(new Date('2024-12-31T17:00:00Z'), 'UTC')).toEqual({ min: 1970, max: 2024 });
  });
});
