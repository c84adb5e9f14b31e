import { readLines, ByteProgress } from '../formats/read-lines';
import { SourceItem } from '../records';

export const CDNOW_PARTNER = { code: 'cdnow', name: 'CDNOW', industry: 'music retail' } as const;

/**
 * CDNOW_master.txt (header; customer date cds dollars) or CDNOW_sample.txt (no header; customer sample_id
 * date cds dollars), whitespace-separated. Each line is one purchase by the partner's customer id; the key is
 * customerId-date-ordinal, the ordinal counting that customer's lines on that day in file order, so it is
 * stable across re-runs. The files are grouped by customer, so only the current customer's counters are kept.
 */
export async function* readCdnow(file: string, progress?: ByteProgress): AsyncGenerator<SourceItem> {
  let columns: number | undefined;
  let currentCustomer = '';
  let perDay = new Map<string, number>();
  for await (const { line, text, invalidUtf8 } of readLines(file, progress)) {
    if (invalidUtf8) {
      yield { file, line, rejection: { file, line, reason: `line is not valid UTF-8 (first bad byte at column ${invalidUtf8.column})` } };
      continue;
    }
    const t = (text ?? '').trim();
    if (t === '') continue;
    const parts = t.split(/\s+/);
    if (columns === undefined) {
      if (parts[0] === 'customer_id') {
        columns = 4;
        continue;
      }
      columns = parts.length === 5 ? 5 : 4;
    }
    if (parts.length !== columns) {
      yield { file, line, rejection: { file, line, reason: `expected ${columns} whitespace-separated fields, found ${parts.length} (truncated line?)` } };
      continue;
    }
    const [customer, date, cds, dollars] = columns === 5 ? [parts[0], parts[2], parts[3], parts[4]] : parts;
    if (customer !== currentCustomer) {
      currentCustomer = customer;
      perDay = new Map();
    }
    const ordinal = (perDay.get(date) ?? 0) + 1;
    perDay.set(date, ordinal);
    const isoDate = /^\d{8}$/.test(date) ? `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}` : date;
    yield {
      file,
      line,
      raw: {
        type: 'purchase',
        key: `${customer}-${date}-${ordinal}`,
        customerKey: customer,
        purchasedAt: isoDate,
        amount: dollars,
        currency: 'USD',
        category: 'music',
        // The sample id is not kept: it belongs to the 1/10 sample, and a purchase must look the same whether
        // it came from the sample or from the master file (loading both leaves every sample line unchanged).
        sourceCodes: { cds: /^\d+$/.test(cds) ? Number(cds) : cds },
      },
    };
  }
}
