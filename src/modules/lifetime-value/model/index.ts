export {
  type BgnbdFit,
  type BgnbdParams,
  bgnbdCustomerLogLikelihood,
  bgnbdFromLogVector,
  bgnbdLogLikelihood,
  bgnbdLogParamCovariance,
  bgnbdToLogVector,
  conditionalExpectedTransactions,
  expectedTransactions,
  fitBgnbd,
  probabilityAlive,
  simulateBgnbdCustomer,
} from './bgnbd.model';
export { type CdnowRow, cdnowEvents, parseCdnowSample } from './cdnow';
export {
  discountFactor,
  type Estimate,
  predictedValue,
  type PredictedValueInput,
  type PredictedValueInterval,
  predictedValueInterval,
  type PredictedValueIntervalInput,
} from './discounting';
export {
  fitLifetimeModels,
  type FitLifetimeModelsOptions,
  type LifetimeModelsFit,
  type RfmForFit,
} from './fit-lifetime-models';
export {
  expectedAverageSpend,
  fitGammaGamma,
  type GammaGammaFit,
  gammaGammaCustomerLogLikelihood,
  gammaGammaLogLikelihood,
  gammaGammaLogParamCovariance,
  type GammaGammaParams,
  type SpendObservation,
} from './gamma-gamma.model';
export { compareHoldout, type HoldoutComparison, type HoldoutRow } from './holdout';
export {
  cholesky,
  invertSpd,
  type MinimizeResult,
  nelderMead,
  type NelderMeadOptions,
  numericalHessian,
  parameterCovariance,
} from './optimize';
export { createRng, type Rng } from './random';
export {
  compressRfm,
  dayNumber,
  type RfmEvent,
  type RfmSummary,
  type RfmTriple,
  type RfmUnit,
  summariseRfm,
  type SummariseRfmOptions,
} from './rfm';
export { simulateCohort, type SimulateCohortOptions } from './simulate';
export { digamma, hyp2f1, hyp2f1Scaled, lbeta, lgamma, logSumExp } from './special-functions';
