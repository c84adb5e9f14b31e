import { compareDecimal, subtractDecimal } from '../../../src/modules/service-history/decimal';
import { paymentChannelLabel, paymentTrend, shareChange } from '../../../src/modules/service-history/payment-channels';

describe('payment channel trends', () => {
  it('calls a channel NEW or GONE when its amount starts from or falls to zero', () => {
    expect(paymentTrend('0.00', '10.00', '0.0000', '0.0100')).toBe('NEW');
    expect(paymentTrend('10.00', '0.00', '0.5000', '0.0000')).toBe('GONE');
  });

  it('needs a move of more than one percentage point for UP or DOWN', () => {
    expect(paymentTrend('100.00', '100.00', '0.2500', '0.2600')).toBe('FLAT'); // exactly +1 point
    expect(paymentTrend('100.00', '100.00', '0.2500', '0.2601')).toBe('UP');
    expect(paymentTrend('100.00', '100.00', '0.2500', '0.2400')).toBe('FLAT'); // exactly -1 point
    expect(paymentTrend('100.00', '100.00', '0.2500', '0.2399')).toBe('DOWN');
  });

  it('subtracts shares exactly', () => {
    expect(shareChange('0.1000', '0.3000')).toBe('0.2000');
    expect(shareChange('1.0000', '0.0000')).toBe('-1.0000');
    expect(subtractDecimal('0.0003', '0.0001', 4)).toBe('0.0002');
    expect(compareDecimal('0.0100', '0.01')).toBe(0);
    expect(compareDecimal('-0.0001', '0')).toBe(-1);
  });

  it('labels platforms by name and the other kinds in words', () => {
    expect(paymentChannelLabel('THIRD_PARTY_PLATFORM', 'WeChat Pay')).toBe('WeChat Pay');
    expect(paymentChannelLabel('THIRD_PARTY_PLATFORM', '')).toBe('Unnamed payment platform');
    expect(paymentChannelLabel('OTHER_BANK', null)).toBe('Other banks');
  });
});
