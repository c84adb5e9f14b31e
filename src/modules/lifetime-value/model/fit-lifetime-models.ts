// One entry point that fits both models on per-customer RFM summaries.

import { BgnbdFit, bgnbdLogParamCovariance, fitBgnbd } from './bgnbd.model';
import { fitGammaGamma, GammaGammaFit, gammaGammaLogParamCovariance } from './gamma-gamma.model';
import { compressRfm } from './rfm';

export interface RfmForFit {
  x: number;
  tx: number;
  T: number;
  zbar: number;
}

export interface LifetimeModelsFit {
  customers: number;
  uniqueTriples: number;
  bgnbd: BgnbdFit & { logParamCovariance?: number[][] };
  gammaGamma: GammaGammaFit & { logParamCovariance?: number[][] };
}

export interface FitLifetimeModelsOptions {
  /** Also compute the log-parameter covariances that predictedValueInterval needs (default true). */
  covariance?: boolean;
}

export function fitLifetimeModels(
  rows: readonly RfmForFit[],
  options: FitLifetimeModelsOptions = {},
): LifetimeModelsFit {
  const triples = compressRfm(rows);
  const bgnbd: LifetimeModelsFit['bgnbd'] = fitBgnbd(triples);
  const gammaGamma: LifetimeModelsFit['gammaGamma'] = fitGammaGamma(rows);
  if (options.covariance ?? true) {
    bgnbd.logParamCovariance = bgnbdLogParamCovariance(bgnbd.params, triples);
    gammaGamma.logParamCovariance = gammaGammaLogParamCovariance(gammaGamma.params, rows);
  }
  return { customers: rows.length, uniqueTriples: triples.length, bgnbd, gammaGamma };
}
