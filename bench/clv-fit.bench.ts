// Times the lifetime-value fit (compression + BG/NBD + Gamma-Gamma + covariances) on a synthetic
// cohort drawn from the models themselves with CDNOW-like parameters. Standalone:
//   npm run build && node dist/bench/clv-fit.bench.js [customers]
import { performance } from 'node:perf_hooks';
import {
  BgnbdParams,
  fitLifetimeModels,
  GammaGammaParams,
  simulateCohort,
  summariseRfm,
} from '../src/modules/lifetime-value/model';

/** Roughly the CDNOW estimates (weeks, dollars), so the synthetic cohort looks like real data. */
export const CLV_BENCH_TRUE_PARAMS: { bgnbd: BgnbdParams; gammaGamma: GammaGammaParams } = {
  bgnbd: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 },
  gammaGamma: { p: 6.25, q: 3.74, gamma: 15.44 },
};

export interface ClvFitBenchResult {
  customers: number;
  uniqueTriples: number;
  /** Wall time of fitLifetimeModels, the part the service runs on every refit. */
  fitMs: number;
  /** Simulation and RFM summary, not part of fitMs. */
  prepareMs: number;
  params: {
    bgnbd: BgnbdParams & { logLikelihood: number };
    gammaGamma: GammaGammaParams & { logLikelihood: number; customers: number };
  };
  trueParams: typeof CLV_BENCH_TRUE_PARAMS;
}

export async function runClvFitBench(customers = 100_000): Promise<ClvFitBenchResult> {
  const prepareStart = performance.now();
  const events = simulateCohort({
    customers,
    bgnbd: CLV_BENCH_TRUE_PARAMS.bgnbd,
    gg: CLV_BENCH_TRUE_PARAMS.gammaGamma,
    seed: 20_050_101,
  });
  const rows = summariseRfm(events, '1997-09-30', 'week');
  const prepareMs = performance.now() - prepareStart;

  const fitStart = performance.now();
  const fit = fitLifetimeModels(rows);
  const fitMs = performance.now() - fitStart;

  return {
    customers: fit.customers,
    uniqueTriples: fit.uniqueTriples,
    fitMs,
    prepareMs,
    params: {
      bgnbd: { ...fit.bgnbd.params, logLikelihood: fit.bgnbd.logLikelihood },
      gammaGamma: {
        ...fit.gammaGamma.params,
        logLikelihood: fit.gammaGamma.logLikelihood,
        customers: fit.gammaGamma.customers,
      },
    },
    trueParams: CLV_BENCH_TRUE_PARAMS,
  };
}

if (require.main === module) {
  const customers = process.argv[2] ? Number(process.argv[2]) : undefined;
  runClvFitBench(customers)
    .then((result) => process.stdout.write(`${JSON.stringify(result, null, 2)}\n`))
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    });
}
