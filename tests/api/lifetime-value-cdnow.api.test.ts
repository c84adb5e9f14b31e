import fs from 'node:fs';
import path from 'node:path';
import { IngestionService } from '../../src/ingestion/ingestion.service';
import { MemoryRejectSink } from '../../src/ingestion/rejects';
import { createTestApp, TestApp } from '../helpers/test-app';
import { testDatabaseKind } from '../helpers/test-database';

const REPO_ROOT = path.resolve(__dirname, '../..');
const DATASETS = process.env.FATTAIL_DATASETS ?? path.resolve(REPO_ROOT, '../shared/datasets');
const DIR = path.join(DATASETS, 'cdnow');
const SAMPLE = path.join(DIR, 'CDNOW_sample.txt');
const present = fs.existsSync(SAMPLE);
const describeIf = present ? describe : describe.skip;

const FIT = `
  mutation Fit($input: FitLifetimeValueModelInput!) {
    fitLifetimeValueModel(input: $input) {
      version customers repeatCustomers scoredCustomers uniqueTriples
      bgnbd { r alpha a b logLikelihood } gammaGamma { p q gamma logLikelihood }
      holdout { customers periods predicted actual errorPct }
    }
  }`;

/** Fader, Hardie & Lee (2005) and Fader & Hardie (2013) on the 2 357-customer sample, weeks. */
const PUBLISHED = {
  bgnbd: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 },
  gammaGamma: { p: 6.25, q: 3.74, gamma: 15.44 },
  logLikelihood: -9582.4,
};

function withinHalfPercent(actual: number, expected: number): void {
  expect(Math.abs(actual / expected - 1)).toBeLessThan(0.005);
}

describeIf(
  present
    ? `CDNOW through the whole stack: ingest, fit by mutation, stored scores (${testDatabaseKind()})`
    : `CDNOW through the whole stack: skipped, no dataset at ${SAMPLE} (set FATTAIL_DATASETS)`,
  () => {
    let t: TestApp;
    let fit: Record<string, any>;
    let fitMs: number;

    beforeAll(async () => {
      t = await createTestApp();
      const summary = await new IngestionService(t.db).ingestFiles('partner', [SAMPLE], { format: 'cdnow', rejects: new MemoryRejectSink() });
      expect(summary).toMatchObject({ inserted: 6919, rejected: 0, customersCreated: 2357 });
      const started = Date.now();
      const res = await t.gql(FIT, {
        input: { activity: 'PARTNER_PURCHASES', partner: 'cdnow', calibrationEnd: '1997-09-30', unit: 'WEEK', holdoutEnd: '1998-06-30' },
      });
      fitMs = Date.now() - started;
      expect(res.body.errors).toBeUndefined();
      fit = res.body.data!.fitLifetimeValueModel;
    }, 300_000);

    afterAll(async () => {
      await t?.close();
    });

    it('reproduces the published BG/NBD fit within 0.5%', () => {
      for (const key of ['r', 'alpha', 'a', 'b'] as const) withinHalfPercent(fit.bgnbd[key], PUBLISHED.bgnbd[key]);
      withinHalfPercent(fit.bgnbd.logLikelihood, PUBLISHED.logLikelihood);
      expect(Math.abs(fit.bgnbd.logLikelihood - PUBLISHED.logLikelihood)).toBeLessThan(0.1);
    });

    it('reproduces the published Gamma-Gamma fit within 0.5% on the 946 repeat customers', () => {
      for (const key of ['p', 'q', 'gamma'] as const) withinHalfPercent(fit.gammaGamma[key], PUBLISHED.gammaGamma[key]);
      expect(fit).toMatchObject({ customers: 2357, repeatCustomers: 946, scoredCustomers: 2357 });
    });

    it('stores x, t_x and T equal to cdnow_customers_summary.csv for every customer', async () => {
      const [header, ...lines] = fs.readFileSync(path.join(DIR, 'cdnow_customers_summary.csv'), 'utf8').trim().split(/\r?\n/);
      expect(header).toBe('ID,frequency,recency,T');
      // The published summary is keyed by sample id; customers are keyed by the master id the adapter loads.
      const sampleOf = new Map(
        fs.readFileSync(SAMPLE, 'utf8').trim().split(/\r?\n/).map((line) => {
          const [master, sample] = line.trim().split(/\s+/);
          return [master, String(Number(sample))] as const;
        }),
      );
      const stored: { master_id: string; x: number; tx: number; t: number }[] = await t.db.dataSource.query(
        `SELECT cs.source_key AS master_id, s.x, s.tx, s.t
           FROM customer_lifetime_value s JOIN customer_source cs ON cs.customer_id = s.customer_id AND cs.source_system = 'partner:cdnow'
          WHERE s.model_id = $1`,
        [fit.version],
      );
      const bySample = new Map(stored.map((s) => [sampleOf.get(s.master_id), s]));
      expect(bySample.size).toBe(2357);
      const mismatches = lines.filter((line) => {
        const [id, frequency, recency, T] = line.split(',');
        const s = bySample.get(id);
        return !s || s.x !== Number(frequency) || s.tx.toFixed(2) !== Number(recency).toFixed(2) || s.t.toFixed(2) !== Number(T).toFixed(2);
      });
      expect(mismatches).toEqual([]);
    });

    it('forecasts the 39-week holdout within 15% of the 1 882 purchases seen', () => {
      expect(fit.holdout).toMatchObject({ customers: 2357, actual: 1882 });
      expect(fit.holdout.periods).toBeCloseTo(39, 10);
      expect(Math.abs(fit.holdout.errorPct)).toBeLessThan(15);
      process.stdout.write(
        `CDNOW through the API (${testDatabaseKind()}): BG/NBD ${JSON.stringify(fit.bgnbd)}; Gamma-Gamma ${JSON.stringify(fit.gammaGamma)}; ` +
          `holdout predicted ${fit.holdout.predicted.toFixed(1)} vs ${fit.holdout.actual} (${fit.holdout.errorPct.toFixed(2)}%); fit mutation ${fitMs} ms\n`,
      );
    });

    it('gives the segment-level distribution of the stored predicted values in SQL', async () => {
      const [row] = await t.db.dataSource.query(
        `SELECT count(*)::int AS n, sum(predicted_value_12m)::text AS total, bool_and(predicted_value_low <= predicted_value_12m AND predicted_value_12m <= predicted_value_high) AS ordered
           FROM customer_lifetime_value WHERE model_id = $1`,
        [fit.version],
      );
      expect(row).toMatchObject({ n: 2357, ordered: true });
      expect(Number(row.total)).toBeGreaterThan(0);
    });
  },
);
