// Synthetic purchase histories from the BG/NBD and Gamma-Gamma generative processes, seeded so
// benchmarks and recovery tests see the same data every run.

import { BgnbdParams, simulateBgnbdCustomer } from './bgnbd.model';
import { GammaGammaParams } from './gamma-gamma.model';
import { createRng, gammaVariate } from './random';
import { dayNumber, RfmEvent } from './rfm';

export interface SimulateCohortOptions {
  customers: number;
  bgnbd: BgnbdParams;
  gg: GammaGammaParams;
  seed?: number;
  /** First purchases fall uniformly on the first `cohortDays` days (CDNOW: a 12-week cohort). */
  cohortDays?: number;
  /** Events are generated up to this many days after the cohort start. */
  periodDays?: number;
  start?: string;
}

const MS_PER_DAY = 86_400_000;

/**
 * Purchase events with BG/NBD parameters in weeks. Times are cut to calendar days, as real data
 * is, so same-day purchases merge when summarised; that is a small departure from the continuous
 * model, which a fit on this data absorbs.
 */
export function simulateCohort(options: SimulateCohortOptions): RfmEvent[] {
  const rng = createRng(options.seed ?? 1);
  const cohortDays = options.cohortDays ?? 84;
  const periodDays = options.periodDays ?? 273;
  const startDay = dayNumber(options.start ?? '1997-01-01');
  const { p, q, gamma } = options.gg;
  const events: RfmEvent[] = [];
  for (let i = 0; i < options.customers; i++) {
    const firstDay = startDay + Math.floor(rng() * cohortDays);
    const horizonWeeks = (startDay + periodDays - firstDay) / 7;
    const { purchaseTimes } = simulateBgnbdCustomer(options.bgnbd, horizonWeeks, rng);
    const nu = gammaVariate(rng, q, gamma); // this customer's spend rate
    const customerKey = `c${i + 1}`;
    for (const t of purchaseTimes) {
      const day = firstDay + Math.floor(t * 7);
      events.push({ customerKey, at: new Date(day * MS_PER_DAY), amount: gammaVariate(rng, p, nu) });
    }
  }
  return events;
}
