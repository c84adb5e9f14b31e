import { PRODUCT_TYPES, ProductType } from '../core-banking/account.entity';

/**
 * What the bank earns on a customer, as rates, read once at start-up. Kept beside the module like
 * service-history.config.ts; meant to fold into src/config/config.ts. Rates stay decimal strings so the
 * SQL multiplies exact numerics.
 */
export interface LifetimeValueConfig {
  /** Annual net interest margin (spread over funding cost) earned on the absolute balance, per product type. */
  spreads: Record<ProductType, string>;
  /** Interchange the bank keeps on card spend, as a fraction of the amount. */
  interchangeRate: string;
  /** Commission the bank earns on partner purchases, per partner code, with a default. */
  partnerCommission: { defaultRate: string; byPartner: Record<string, string> };
  /** Default discount rate for predicted values, per year. */
  annualDiscountRate: number;
}

export const DEFAULT_SPREADS: Record<ProductType, string> = {
  CURRENT: '0.020',
  SAVINGS: '0.015',
  TIME_DEPOSIT: '0.010',
  LOAN: '0.025',
  CREDIT_CARD: '0.080',
  FUND: '0',
};

const RATE = /^(0(\.[0-9]{1,6})?|1(\.0{1,6})?)$/;

function rate(name: string, value: string): string {
  if (!RATE.test(value)) throw new Error(`${name}: "${value}" is not a fraction between 0 and 1 (e.g. "0.015")`);
  return value;
}

function parseRates(name: string, raw: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!raw || raw.trim() === '') return out;
  for (const part of raw.split(',')) {
    const [key, value] = part.split('=').map((s) => s.trim());
    if (!key || value === undefined) throw new Error(`${name}: "${part}" is not key=rate (e.g. "SAVINGS=0.015")`);
    out[key] = rate(name, value);
  }
  return out;
}

export function loadLifetimeValueConfig(env: NodeJS.ProcessEnv = process.env): LifetimeValueConfig {
  const spreadOverrides = parseRates('FATTAIL_CLV_SPREADS', env.FATTAIL_CLV_SPREADS);
  for (const key of Object.keys(spreadOverrides)) {
    if (!(PRODUCT_TYPES as readonly string[]).includes(key)) {
      throw new Error(`FATTAIL_CLV_SPREADS: "${key}" is not a product type (${PRODUCT_TYPES.join(', ')})`);
    }
  }
  const discount = env.FATTAIL_CLV_ANNUAL_DISCOUNT_RATE?.trim() || '0.10';
  return {
    spreads: { ...DEFAULT_SPREADS, ...spreadOverrides },
    interchangeRate: rate('FATTAIL_CLV_INTERCHANGE_RATE', env.FATTAIL_CLV_INTERCHANGE_RATE?.trim() || '0.0045'),
    partnerCommission: {
      defaultRate: rate('FATTAIL_CLV_PARTNER_COMMISSION_DEFAULT_RATE', env.FATTAIL_CLV_PARTNER_COMMISSION_DEFAULT_RATE?.trim() || '0.02'),
      byPartner: parseRates('FATTAIL_CLV_PARTNER_COMMISSION_RATES', env.FATTAIL_CLV_PARTNER_COMMISSION_RATES),
    },
    annualDiscountRate: Number(rate('FATTAIL_CLV_ANNUAL_DISCOUNT_RATE', discount)),
  };
}
