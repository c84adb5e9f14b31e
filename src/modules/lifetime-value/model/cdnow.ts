// Parser for the CDNOW sample of Fader, Hardie & Lee (2005), used to validate the models against
// their published fits. Pure: the caller reads the file.

import { RfmEvent } from './rfm';

export interface CdnowRow {
  masterId: string;
  /** 1..2357 without zero padding, the ID used by the published summary CSVs. */
  sampleId: string;
  /** YYYY-MM-DD */
  date: string;
  cds: number;
  amount: number;
}

/** Whitespace-separated `master_customer_id sample_id YYYYMMDD number_of_cds dollar_value`, no header. */
export function parseCdnowSample(text: string): CdnowRow[] {
  const rows: CdnowRow[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, index) => {
    const fields = line.trim().split(/\s+/);
    if (fields.length === 1 && fields[0] === '') return;
    const [masterId, sampleId, yyyymmdd, cds, amount] = fields;
    if (fields.length !== 5 || !/^\d{8}$/.test(yyyymmdd) || !Number.isFinite(Number(amount))) {
      throw new RangeError(`CDNOW line ${index + 1} is malformed: "${line}"`);
    }
    rows.push({
      masterId,
      sampleId: String(Number(sampleId)),
      date: `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`,
      cds: Number(cds),
      amount: Number(amount),
    });
  });
  return rows;
}

export function cdnowEvents(rows: readonly CdnowRow[]): RfmEvent[] {
  return rows.map((row) => ({ customerKey: row.sampleId, at: row.date, amount: row.amount }));
}
