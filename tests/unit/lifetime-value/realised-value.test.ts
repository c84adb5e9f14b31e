import { DomainException } from '../../../src/common/errors';
import { DEFAULT_SPREADS, loadLifetimeValueConfig } from '../../../src/modules/lifetime-value/lifetime-value.config';
import { resolveRealisedPeriod, toRealisedValue, ZERO_REALISED } from '../../../src/modules/lifetime-value/realised-value';

const NOW = new Date('2025-06-30T12:00:00Z');

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainException) return `${error.code}:${error.details.field}`;
    throw error;
  }
  return undefined;
}

describe('realised value period', () => {
  it('defaults to the year up to now', () => {
    expect(resolveRealisedPeriod(null, null, NOW)).toEqual({ from: new Date('2024-06-30T12:00:00Z'), to: NOW });
    const to = new Date('2024-01-01T00:00:00Z');
    expect(resolveRealisedPeriod(undefined, to, NOW).from).toEqual(new Date('2023-01-01T00:00:00Z'));
  });

  it('names the field of a bad period', () => {
    expect(fieldOf(() => resolveRealisedPeriod(new Date('2024-02-01'), new Date('2024-01-01'), NOW))).toBe('BAD_USER_INPUT:to');
    expect(fieldOf(() => resolveRealisedPeriod(new Date('2026-01-01'), null, NOW))).toBe('BAD_USER_INPUT:from');
    expect(fieldOf(() => resolveRealisedPeriod(new Date('1800-01-01'), new Date('2024-01-01'), NOW))).toBe('BAD_USER_INPUT:from');
    expect(fieldOf(() => resolveRealisedPeriod(new Date('nonsense'), null, NOW))).toBe('BAD_USER_INPUT:from');
  });

  it('lists the five components in a fixed order, zero for no activity', () => {
    const value = toRealisedValue({ from: NOW, to: NOW }, ZERO_REALISED);
    expect(value.total).toBe('0.00');
    expect(value.components.map((c) => c.kind)).toEqual(['DEPOSIT_MARGIN', 'LENDING_MARGIN', 'FEES', 'CARD_INTERCHANGE', 'PARTNER_COMMISSION']);
  });
});

describe('lifetime-value config', () => {
  it('has defaults and takes overrides per product type and partner', () => {
    expect(loadLifetimeValueConfig({})).toEqual({
      spreads: DEFAULT_SPREADS,
      interchangeRate: '0.0045',
      partnerCommission: { defaultRate: '0.02', byPartner: {} },
      annualDiscountRate: 0.1,
    });
    const c = loadLifetimeValueConfig({
      FATTAIL_CLV_SPREADS: 'SAVINGS=0.012, LOAN=0.03',
      FATTAIL_CLV_PARTNER_COMMISSION_RATES: 'cdnow=0.05,shopmall=0.015',
      FATTAIL_CLV_ANNUAL_DISCOUNT_RATE: '0.08',
    });
    expect(c.spreads).toMatchObject({ SAVINGS: '0.012', LOAN: '0.03', CURRENT: DEFAULT_SPREADS.CURRENT });
    expect(c.partnerCommission.byPartner).toEqual({ cdnow: '0.05', shopmall: '0.015' });
    expect(c.annualDiscountRate).toBe(0.08);
  });

  it('refuses bad settings at start-up, naming the variable', () => {
    expect(() => loadLifetimeValueConfig({ FATTAIL_CLV_SPREADS: 'MORTGAGE=0.01' })).toThrow(/FATTAIL_CLV_SPREADS/);
    expect(() => loadLifetimeValueConfig({ FATTAIL_CLV_SPREADS: 'SAVINGS' })).toThrow(/FATTAIL_CLV_SPREADS/);
    expect(() => loadLifetimeValueConfig({ FATTAIL_CLV_INTERCHANGE_RATE: '5%' })).toThrow(/FATTAIL_CLV_INTERCHANGE_RATE/);
    expect(() => loadLifetimeValueConfig({ FATTAIL_CLV_PARTNER_COMMISSION_RATES: 'cdnow=2' })).toThrow(/FATTAIL_CLV_PARTNER_COMMISSION_RATES/);
  });
});
