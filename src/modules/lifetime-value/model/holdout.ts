// Out-of-sample check: the BG/NBD forecast of each customer's holdout purchases against what they did.

import { BgnbdParams, conditionalExpectedTransactions } from './bgnbd.model';

export interface HoldoutRow {
  x: number;
  tx: number;
  T: number;
  holdoutX?: number;
}

export interface HoldoutComparison {
  customers: number;
  /** Sum over customers of E[Y(holdoutLength) | x, t_x, T]. */
  predicted: number;
  /** Sum of the transactions actually seen in the holdout. */
  actual: number;
  /** (predicted - actual) / actual, as a percentage. */
  errorPct: number;
}

/** `holdoutLength` is in the unit the parameters were fitted in (39 weeks for CDNOW). */
export function compareHoldout(
  params: BgnbdParams,
  rows: readonly HoldoutRow[],
  holdoutLength: number,
): HoldoutComparison {
  let predicted = 0;
  let actual = 0;
  for (const row of rows) {
    if (row.holdoutX === undefined) throw new RangeError('rows need holdoutX: summarise with a holdoutEnd');
    predicted += conditionalExpectedTransactions(params, holdoutLength, row.x, row.tx, row.T);
    actual += row.holdoutX;
  }
  return { customers: rows.length, predicted, actual, errorPct: ((predicted - actual) / actual) * 100 };
}
