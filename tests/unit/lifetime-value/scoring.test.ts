import { expectedAverageSpend, predictedValue, predictedValueInterval } from '../../../src/modules/lifetime-value/model';
import { CustomerScorer, discountedTransactions, ModelEstimate, periodsInMonths, scoreCustomers } from '../../../src/modules/lifetime-value/scoring';

// The CDNOW fit (weeks) with the log-parameter covariances it gives, rounded.
const MODEL: ModelEstimate = {
  unit: 'week',
  bgnbd: {
    params: { r: 0.2426, alpha: 4.4136, a: 0.7929, b: 2.4259 },
    logParamCovariance: [
      [0.00628, 0.00751, -0.00063, 0.00327],
      [0.00751, 0.01567, -0.00134, 0.00428],
      [-0.00063, -0.00134, 0.0476, 0.06041],
      [0.00327, 0.00428, 0.06041, 0.10496],
    ],
  },
  gg: {
    params: { p: 6.2496, q: 3.7442, gamma: 15.4435 },
    logParamCovariance: [
      [0.0064, -0.0011, -0.0075],
      [-0.0011, 0.0221, 0.0226],
      [-0.0075, 0.0226, 0.0369],
    ],
  },
};
const OPTIONS = { horizonMonths: 12, annualDiscountRate: 0.1 };
const CUSTOMERS = [
  { x: 0, tx: 0, T: 38.86, zbar: 0 },
  { x: 2, tx: 30.43, T: 38.86, zbar: 22.35 },
  { x: 7, tx: 29.43, T: 38.86, zbar: 73.74 },
  { x: 1, tx: 1.71, T: 38.86, zbar: 11.77 },
  { x: 15, tx: 36, T: 37, zbar: 40 },
];

describe('lifetime-value scoring', () => {
  it('splits predictedValue into discounted purchases times expected spend', () => {
    for (const c of CUSTOMERS) {
      const whole = predictedValue({ bgnbd: MODEL.bgnbd.params, gg: MODEL.gg.params, ...c, ...OPTIONS, unit: 'week' });
      const parts = discountedTransactions(MODEL.bgnbd.params, c, 'week', OPTIONS) * expectedAverageSpend(MODEL.gg.params, c.x, c.zbar);
      expect(parts).toBeCloseTo(whole, 10);
    }
  });

  it('gives a delta-method 80% interval close to the one from 4 000 parameter draws', () => {
    const scorer = new CustomerScorer(MODEL, OPTIONS);
    for (const c of CUSTOMERS) {
      const delta = scorer.predictedValue(c)!;
      const drawn = predictedValueInterval({ ...MODEL, ...c, ...OPTIONS, unit: 'week', draws: 4000 });
      expect(delta.value).toBeCloseTo(drawn.point, 10);
      expect(delta.low).toBeLessThan(delta.value);
      expect(delta.high).toBeGreaterThan(delta.value);
      const width = drawn.upper - drawn.lower;
      expect(Math.abs(delta.low - drawn.lower)).toBeLessThan(0.1 * width);
      expect(Math.abs(delta.high - drawn.upper)).toBeLessThan(0.1 * width);
    }
  });

  it('scores every row, reusing work for repeated histories, and reports P(alive) = 1 for x = 0', () => {
    const rows = [...CUSTOMERS, ...CUSTOMERS];
    const scores = scoreCustomers(rows, MODEL, OPTIONS);
    expect(scores).toHaveLength(rows.length);
    expect(scores.slice(5)).toEqual(scores.slice(0, 5));
    expect(scores[0].probabilityAlive).toBe(1);
    expect(scores[2].probabilityAlive).toBeGreaterThan(0);
    expect(scores[2].probabilityAlive).toBeLessThan(1);
    expect(scores[0].expectedAverageSpend).toBeCloseTo((6.2496 * 15.4435) / (3.7442 - 1), 8);
  });

  it('returns no value when the expected spend does not exist (p x + q <= 1)', () => {
    const scorer = new CustomerScorer({ ...MODEL, gg: { ...MODEL.gg, params: { p: 0.1, q: 0.5, gamma: 10 } } }, OPTIONS);
    expect(scorer.predictedValue({ x: 0, tx: 0, T: 10, zbar: 0 })).toBeNull();
    expect(scorer.spend({ x: 0, tx: 0, T: 10, zbar: 0 })).toBeNull();
  });

  it('converts months to model periods with the 365.25/12-day month', () => {
    expect(periodsInMonths(12, 'week')).toBeCloseTo(365.25 / 7, 12);
    expect(periodsInMonths(12, 'day')).toBeCloseTo(365.25, 12);
    expect(periodsInMonths(12, 'month')).toBeCloseTo(12, 12);
  });

  it('refuses a horizon or rate the discounting cannot use', () => {
    expect(() => new CustomerScorer(MODEL, { horizonMonths: 0, annualDiscountRate: 0.1 })).toThrow(RangeError);
    expect(() => new CustomerScorer(MODEL, { horizonMonths: 12, annualDiscountRate: -1 })).toThrow(RangeError);
  });
});
