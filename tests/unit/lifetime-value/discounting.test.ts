import {
  conditionalExpectedTransactions,
  discountFactor,
  Estimate,
  expectedAverageSpend,
  BgnbdParams,
  GammaGammaParams,
  predictedValue,
  PredictedValueInput,
  predictedValueInterval,
} from '../../../src/modules/lifetime-value/model';

const bgnbd: BgnbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const gg: GammaGammaParams = { p: 6.25, q: 3.74, gamma: 15.44 };
// Log-parameter covariances of the size the CDNOW fit gives (standard errors of 5-30%).
const bgnbdEstimate: Estimate<BgnbdParams> = {
  params: bgnbd,
  logParamCovariance: [
    [2.7e-3, 3.5e-3, -4.6e-4, 1.1e-4],
    [3.5e-3, 7.3e-3, -8.2e-4, 9.8e-4],
    [-4.6e-4, -8.2e-4, 5.5e-2, 6.4e-2],
    [1.1e-4, 9.8e-4, 6.4e-2, 8.5e-2],
  ],
};
const ggEstimate: Estimate<GammaGammaParams> = {
  params: gg,
  logParamCovariance: [
    [0.01, -0.002, -0.009],
    [-0.002, 0.012, 0.013],
    [-0.009, 0.013, 0.03],
  ],
};

const customer: PredictedValueInput = {
  bgnbd,
  gg,
  x: 4,
  tx: 30,
  T: 38,
  zbar: 25,
  horizonMonths: 12,
  annualDiscountRate: 0.1,
  unit: 'week',
};
const WEEKS_PER_MONTH = 365.25 / 12 / 7;

describe('predictedValue', () => {
  it('with a zero rate equals expected transactions over the horizon times expected spend', () => {
    const undiscounted =
      conditionalExpectedTransactions(bgnbd, 12 * WEEKS_PER_MONTH, customer.x, customer.tx, customer.T) *
      expectedAverageSpend(gg, customer.x, customer.zbar);
    expect(predictedValue({ ...customer, annualDiscountRate: 0 })).toBeCloseTo(undiscounted, 10);
  });

  it('sums the monthly steps discounted from the end of each month', () => {
    const spend = expectedAverageSpend(gg, customer.x, customer.zbar);
    let expected = 0;
    for (let m = 1; m <= 12; m++) {
      const step =
        conditionalExpectedTransactions(bgnbd, m * WEEKS_PER_MONTH, customer.x, customer.tx, customer.T) -
        conditionalExpectedTransactions(bgnbd, (m - 1) * WEEKS_PER_MONTH, customer.x, customer.tx, customer.T);
      expected += (step * spend) / 1.1 ** (m / 12);
    }
    expect(predictedValue(customer)).toBeCloseTo(expected, 10);
  });

  it('falls as the discount rate rises and grows with the horizon', () => {
    const values = [0, 0.05, 0.1, 0.3].map((annualDiscountRate) => predictedValue({ ...customer, annualDiscountRate }));
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeLessThan(values[i - 1]);
    expect(predictedValue({ ...customer, horizonMonths: 0 })).toBe(0);
    expect(predictedValue({ ...customer, horizonMonths: 24 })).toBeGreaterThan(predictedValue(customer));
    expect(predictedValue({ ...customer, horizonMonths: 12.5 })).toBeGreaterThan(predictedValue(customer));
  });

  it('does not depend on the time unit once the parameters are expressed in it', () => {
    // alpha is a scale on time: in days it is 7 times the weekly value.
    const inDays = predictedValue({
      ...customer,
      bgnbd: { ...bgnbd, alpha: bgnbd.alpha * 7 },
      tx: customer.tx * 7,
      T: customer.T * 7,
      unit: 'day',
    });
    expect(inDays).toBeCloseTo(predictedValue(customer), 8);
  });

  it('rejects a nonsensical horizon or rate', () => {
    expect(() => predictedValue({ ...customer, horizonMonths: -1 })).toThrow(RangeError);
    expect(() => predictedValue({ ...customer, annualDiscountRate: -1 })).toThrow(RangeError);
  });

  it('discountFactor is 1 now and (1 + rate)^-1 after a year', () => {
    expect(discountFactor(0.1, 0)).toBe(1);
    expect(discountFactor(0.1, 12)).toBeCloseTo(1 / 1.1, 14);
  });
});

describe('predictedValueInterval', () => {
  const input = { ...customer, bgnbd: bgnbdEstimate, gg: ggEstimate };

  it('contains the point estimate and is reproducible for a seed', () => {
    const interval = predictedValueInterval(input);
    expect(interval.draws).toBe(200);
    expect(interval.point).toBeCloseTo(predictedValue(customer), 12);
    expect(interval.lower).toBeLessThan(interval.point);
    expect(interval.upper).toBeGreaterThan(interval.point);
    expect(predictedValueInterval(input)).toEqual(interval);
    expect(predictedValueInterval({ ...input, seed: 99 })).not.toEqual(interval);
  });

  it('narrows as the parameters become better known', () => {
    const shrink = <P>(e: Estimate<P>): Estimate<P> => ({
      ...e,
      logParamCovariance: e.logParamCovariance.map((row) => row.map((v) => v / 100)),
    });
    const wide = predictedValueInterval(input);
    const narrow = predictedValueInterval({ ...input, bgnbd: shrink(bgnbdEstimate), gg: shrink(ggEstimate) });
    expect(narrow.upper - narrow.lower).toBeLessThan((wide.upper - wide.lower) / 5);
    expect(narrow.lower).toBeLessThan(narrow.point);
    expect(narrow.upper).toBeGreaterThan(narrow.point);
  });

  it('rejects a covariance that is not positive definite', () => {
    const broken = {
      ...ggEstimate,
      logParamCovariance: [
        [1, 2, 0],
        [2, 1, 0],
        [0, 0, 1],
      ],
    };
    expect(() => predictedValueInterval({ ...input, gg: broken })).toThrow(RangeError);
  });
});
