import fs from 'node:fs';
import path from 'node:path';
import {
  cdnowEvents,
  compareHoldout,
  fitLifetimeModels,
  LifetimeModelsFit,
  parseCdnowSample,
  predictedValueInterval,
  RfmSummary,
  summariseRfm,
} from '../../../src/modules/lifetime-value/model';

const datasets = process.env.FATTAIL_DATASETS ?? path.resolve(__dirname, '../../../../shared/datasets');
const dir = path.join(datasets, 'cdnow');
const describeIfData = fs.existsSync(path.join(dir, 'CDNOW_sample.txt')) ? describe : describe.skip;

describe('parseCdnowSample', () => {
  it('reads whitespace-separated rows with CRLF endings', () => {
    const rows = parseCdnowSample(' 00004 0001 19970101  2   29.33\r\n 00021 0002 19970118  1   9.99\r\n');
    expect(rows).toEqual([
      { masterId: '00004', sampleId: '1', date: '1997-01-01', cds: 2, amount: 29.33 },
      { masterId: '00021', sampleId: '2', date: '1997-01-18', cds: 1, amount: 9.99 },
    ]);
  });

  it('rejects a malformed line', () => {
    expect(() => parseCdnowSample(' 00004 0001 1997-01-01  2   29.33\n')).toThrow(RangeError);
  });
});

function readCsv(file: string): Record<string, string>[] {
  const [header, ...lines] = fs.readFileSync(path.join(dir, file), 'utf8').trim().split(/\r?\n/);
  const columns = header.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [columns[i], v])));
}

describeIfData(
  fs.existsSync(path.join(dir, 'CDNOW_sample.txt'))
    ? 'CDNOW validation against Fader, Hardie & Lee (2005)'
    : `CDNOW validation against Fader, Hardie & Lee (2005) (skipped: CDNOW dataset not found at ${dir}; set FATTAIL_DATASETS)`,
  () => {
    const HOLDOUT_WEEKS = 39; // 1997-10-01 .. 1998-06-30
    let rows: RfmSummary[];
    let byId: Map<string, RfmSummary>;
    let fit: LifetimeModelsFit;

    beforeAll(() => {
      const events = cdnowEvents(parseCdnowSample(fs.readFileSync(path.join(dir, 'CDNOW_sample.txt'), 'utf8')));
      rows = summariseRfm(events, '1997-09-30', 'week', { holdoutEnd: '1998-06-30' });
      byId = new Map(rows.map((r) => [r.customerKey, r]));
      fit = fitLifetimeModels(rows);
    });

    it('reproduces x, t_x and T of cdnow_customers_summary.csv for every customer (to its 2 dp)', () => {
      const published = readCsv('cdnow_customers_summary.csv');
      expect(published).toHaveLength(2357);
      expect(rows).toHaveLength(2357);
      const mismatches = published.filter((p) => {
        const r = byId.get(p.ID);
        return (
          !r ||
          r.x !== Number(p.frequency) ||
          r.tx.toFixed(2) !== Number(p.recency).toFixed(2) ||
          r.T.toFixed(2) !== Number(p.T).toFixed(2)
        );
      });
      expect(mismatches).toEqual([]);
    });

    it('reproduces zbar of cdnow_customers_summary_with_transactions.csv within 0.01', () => {
      const published = readCsv('cdnow_customers_summary_with_transactions.csv');
      expect(published).toHaveLength(2357);
      const mismatches = published.filter((p) => {
        const r = byId.get(p.ID);
        return !r || r.x !== Number(p.x) || Math.abs(r.zbar - Number(p.zbar)) > 0.01;
      });
      expect(mismatches).toEqual([]);
    });

    it('has the totals the dataset README states', () => {
      expect(rows.filter((r) => r.x > 0)).toHaveLength(946);
      expect(rows.reduce((s, r) => s + r.x, 0)).toBe(2457);
      expect(rows.reduce((s, r) => s + r.holdoutX!, 0)).toBe(1882);
    });

    it('fits BG/NBD to the published r = 0.243, alpha = 4.414, a = 0.793, b = 2.426 and LL = -9582.4', () => {
      const published = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
      for (const key of Object.keys(published) as (keyof typeof published)[]) {
        expect(Math.abs(fit.bgnbd.params[key] / published[key] - 1)).toBeLessThan(0.005);
      }
      expect(Math.abs(fit.bgnbd.logLikelihood - -9582.4)).toBeLessThan(0.1);
      expect(fit.bgnbd.converged).toBe(true);
    });

    it('fits Gamma-Gamma on the 946 repeat customers to the published p = 6.25, q = 3.74, gamma = 15.44', () => {
      const published = { p: 6.25, q: 3.74, gamma: 15.44 };
      expect(fit.gammaGamma.customers).toBe(946);
      for (const key of Object.keys(published) as (keyof typeof published)[]) {
        expect(Math.abs(fit.gammaGamma.params[key] / published[key] - 1)).toBeLessThan(0.005);
      }
      // CLVTools' value on the same data, quoted in the dataset README.
      expect(Math.abs(fit.gammaGamma.logLikelihood - -4055.9177)).toBeLessThan(0.01);
    });

    it('forecasts holdout purchases within 15% of what the customers did', () => {
      const holdout = compareHoldout(fit.bgnbd.params, rows, HOLDOUT_WEEKS);
      console.log(
        `CDNOW: BG/NBD ${JSON.stringify(fit.bgnbd.params)} LL ${fit.bgnbd.logLikelihood.toFixed(3)}; ` +
          `Gamma-Gamma ${JSON.stringify(fit.gammaGamma.params)} LL ${fit.gammaGamma.logLikelihood.toFixed(3)}; ` +
          `holdout predicted ${holdout.predicted.toFixed(1)} vs actual ${holdout.actual} (${holdout.errorPct.toFixed(1)}%)`,
      );
      expect(holdout.actual).toBe(1882);
      expect(Math.abs(holdout.errorPct)).toBeLessThan(15);
    });

    it('gives a deterministic 80% interval around each sampled customer value', () => {
      const estimate = {
        bgnbd: { params: fit.bgnbd.params, logParamCovariance: fit.bgnbd.logParamCovariance! },
        gg: { params: fit.gammaGamma.params, logParamCovariance: fit.gammaGamma.logParamCovariance! },
      };
      for (const id of ['1', '2', '3', '1000']) {
        const r = byId.get(id)!;
        const input = { ...estimate, ...r, horizonMonths: 12, annualDiscountRate: 0.1, unit: 'week' as const };
        const interval = predictedValueInterval(input);
        expect(interval.lower).toBeLessThan(interval.point);
        expect(interval.upper).toBeGreaterThan(interval.point);
        expect(predictedValueInterval(input)).toEqual(interval);
      }
    });
  },
);
