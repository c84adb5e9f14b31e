import fc from 'fast-check';
import { CopyBytes, FastNdjson } from '../../../src/ingestion/fast-ndjson';
import { LineChunk } from '../../../src/ingestion/formats/read-lines';
import { ndjsonItem } from '../../../src/ingestion/formats/ndjson.format';
import { bulkCopyLine, TYPE_SPECS } from '../../../src/ingestion/ingestion.repository';
import { parseNdjsonChunk } from '../../../src/ingestion/parse-chunk';
import { BULK_TYPES } from '../../../src/ingestion/pipeline';
import { RecordType, SourceKind, TYPES_BY_SOURCE } from '../../../src/ingestion/records';
import { copyValue } from '../../../src/ingestion/sql-session';
import { validateRecord, ValidationContext } from '../../../src/ingestion/validate';

const FILE = 'feeds/day\t1.ndjson';
const contextOf = (source: SourceKind): ValidationContext => ({ allowedTypes: TYPES_BY_SOURCE[source], hashKey: 'test-key', defaultCountry: 'CN' });
const bulkTypesOf = (ctx: ValidationContext) => BULK_TYPES.filter((t) => ctx.allowedTypes.includes(t));

/** The general path's COPY line for a line of text, or undefined when it is not a valid record of a bulk type. */
function generalLine(text: string, ctx: ValidationContext): { type: RecordType; copy: string } | undefined {
  const item = ndjsonItem(FILE, { line: 7, text });
  if (!item?.raw) return undefined;
  const record = validateRecord(item.raw, FILE, 7, ctx);
  if ('reason' in record || !bulkTypesOf(ctx).includes(record.type)) return undefined;
  return { type: record.type, copy: bulkCopyLine(record) };
}

/** What the fast path makes of one line: the type it took it as and its COPY text, or undefined (general path). */
function fastLine(text: string, ctx: ValidationContext): { type: RecordType; copy: string } | undefined {
  const types = bulkTypesOf(ctx);
  const fast = new FastNdjson(ctx, Object.fromEntries(types.map((t) => [t, TYPE_SPECS[t]!.columns])), copyValue(FILE));
  const sinks = types.map(() => new CopyBytes(16));
  const bytes = Buffer.from(text);
  const k = fast.render(bytes, 0, bytes.length, 7, sinks);
  const written = sinks.map((s) => s.length);
  if (k < 0) {
    expect(written.every((n) => n === 0)).toBe(true);
    return undefined;
  }
  expect(sinks[k].ends).toEqual([sinks[k].length]);
  return { type: types[k], copy: Buffer.from(sinks[k].bytes.subarray(0, sinks[k].length)).toString() };
}

// Values worth trying for each kind of field: valid forms, near misses and other JSON types.
const TEXT = ['BT1', ' padded ', 'café', '\u00a0nbsp', 'tail\u2028', 'tab\there', 'back\\slash', 'quote"d', 'emoji 🙂', 'del\u007f', '', '   ', 'x'];
const TIMESTAMPS = [
  '2023-01-01T00:00:15.000Z',
  '2024-02-29T23:59:59.999Z',
  '2023-01-01 08:30:00Z',
  '2023-01-01T08:30Z',
  ' 2023-05-06T07:08:09Z ',
  '2023-01-01T00:00:15.5Z',
  '2023-01-01T00:00:15.123456Z',
  '2023-01-01T00:00:00+08:00',
  '2023-01-01T00:00:00',
  '2023-01-01',
  '2023-02-29T00:00:00Z',
  '2023-01-01T24:00:00Z',
  '2023-01-01T23:60:00Z',
  '2023-01-01T23:59:60Z',
  '1799-12-31T00:00:00Z',
  '2023-13-01T00:00:00Z',
  '2023-1-01T00:00:00Z',
  '2023-01-01t00:00:00z',
  '2023-01-01X00:00:00Z',
  '2023-01-01T00-00-00Z',
];
const DECIMALS = ['12.34', '+1.5', '-0.00', '0', '1.234', '.5', '5.', '1234567890123456', '12345678901234567', ' 7 ', '1e3', '--1', '+', '1.2.3', '999.999999', '0.000001'];
const INTS = ['0', '-0', '+007', '123456789', '1234567890', '-5', '3.5', ' 12 ', '+'];
const ENUMS = ['ATM', 'atm', 'Pos', 'MOBILE', ' online ', 'CASH', 'merchant', 'third_party_platform', 'ATMX', 'at', 'ATM\u0131', 'ſ'];
const CURRENCIES = ['CNY', 'cny', 'Eur', 'US', 'USDX', '12A', ' usd '];
const MCCS = ['5411', '541', '54111', 'abcd', ' 5411 '];
const OTHER_JSON: unknown[] = [null, 12.5, 0, -3, true, false, ['a', 'b'], [], { x: 1 }, 'a|b| c'];

const anyValue = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom<unknown>(...TEXT, ...TIMESTAMPS, ...DECIMALS, ...INTS, ...ENUMS, ...CURRENCIES, ...MCCS) },
  { weight: 2, arbitrary: fc.constantFrom(...OTHER_JSON) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }) },
);


/** A valid transaction, session or purchase as its source would send it, every optional field maybe left out. */
const validRecord = fc.oneof(
  fc.record(
    {
      type: fc.constantFrom('transaction', 'TRANSACTION', ' Transaction '),
      key: fc.constantFrom('BT1', 'T-2', ' k3 ', 'café-4'),
      accountKey: fc.constantFrom('BA1', 'acc 9'),
      bookedAt: fc.constantFrom(...TIMESTAMPS.slice(0, 5)),
      amount: fc.constantFrom('12.34', '+1.5', '-0.00', '0', '1234567890123456', ' 7 '),
      currency: fc.constantFrom('CNY', 'usd', null, ''),
      channel: fc.constantFrom('ATM', 'pos', ' Mobile '),
      counterpartyKind: fc.constantFrom('CASH', 'merchant', 'THIRD_PARTY_PLATFORM'),
      counterpartyName: fc.constantFrom('Alipay', 'Café Ltd', null),
      merchantCategoryCode: fc.constantFrom('5411', null),
      description: fc.constantFrom('merchant 7', ' spaced out ', '', null),
      unknownButEmpty: fc.constantFrom(null, '', '  '),
    },
    { requiredKeys: ['type', 'key', 'accountKey', 'bookedAt', 'amount', 'channel', 'counterpartyKind'] },
  ),
  fc.record(
    {
      type: fc.constant('session'),
      key: fc.constantFrom('S1', 's 2'),
      customerKey: fc.constantFrom('C1', 'c2'),
      startedAt: fc.constantFrom(...TIMESTAMPS.slice(0, 5)),
      durationSeconds: fc.constantFrom('0', '-0', '+007', '123456789'),
      featuresUsed: fc.constant(null),
    },
    { requiredKeys: ['type', 'key', 'customerKey', 'startedAt', 'durationSeconds'] },
  ),
  fc.record(
    {
      type: fc.constant('purchase'),
      key: fc.constantFrom('P1', 'p 2'),
      customerKey: fc.constantFrom('CUST-1', ' c2 '),
      purchasedAt: fc.constantFrom(...TIMESTAMPS.slice(0, 5)),
      amount: fc.constantFrom('9.99', '+100'),
      currency: fc.constantFrom('cny', null),
      category: fc.constantFrom('music', null),
      merchantCategoryCode: fc.constantFrom('5735', null),
    },
    { requiredKeys: ['type', 'key', 'customerKey', 'purchasedAt', 'amount'] },
  ),
);

/** A JSON object line, written the way different producers write one. */
const layout = fc.record({ space: fc.constantFrom('', ' ', '\t', '  '), trailing: fc.constantFrom('', ' ', '\t') });
const objectLine = (pairs: [string, unknown][], { space, trailing }: { space: string; trailing: string }) =>
  `{${space}${pairs.map(([k, v]) => `${JSON.stringify(k)}${space}:${space}${JSON.stringify(v)}`).join(`,${space}`)}${space}}${trailing}`;

const POOLS: Record<string, readonly unknown[]> = {
  key: TEXT,
  accountKey: TEXT,
  customerKey: TEXT,
  counterpartyName: TEXT,
  description: TEXT,
  category: TEXT,
  bookedAt: TIMESTAMPS,
  startedAt: TIMESTAMPS,
  purchasedAt: TIMESTAMPS,
  amount: DECIMALS,
  durationSeconds: INTS,
  channel: ENUMS,
  counterpartyKind: ENUMS,
  currency: CURRENCIES,
  merchantCategoryCode: MCCS,
  featuresUsed: OTHER_JSON,
  sourceCodes: OTHER_JSON,
  type: ['transaction', 'session', 'purchase', 'customer', 'TRANSACTION ', 'transactions', '', null, 5],
};
const FIELDS = Object.keys(POOLS);

/** A record's field given another value (one of the near misses for its kind, or another JSON type), in place or repeated. */
const changedField = fc.constantFrom(...FIELDS).chain((field) =>
  fc.tuple(fc.constant(field), fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...POOLS[field]) }, { weight: 1, arbitrary: anyValue }), fc.boolean()),
);

/** Any line: a valid record changed in some way (a field dropped, repeated, retyped or added), or not JSON at all. */
const anyLine = fc.oneof(
  { weight: 2, arbitrary: fc.tuple(validRecord, layout).map(([r, l]) => objectLine(Object.entries(r), l)) },
  {
    weight: 6,
    arbitrary: fc.tuple(validRecord, fc.array(changedField, { minLength: 1, maxLength: 2 }), layout).map(([r, changes, l]) => {
      const pairs: [string, unknown][] = Object.entries(r);
      for (const [field, value, repeat] of changes) {
        const at = pairs.findIndex(([k]) => k === field);
        if (at >= 0 && !repeat) pairs[at] = [field, value];
        else pairs.push([field, value]);
      }
      return objectLine(pairs, l);
    }),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(validRecord, fc.array(fc.tuple(fc.constantFrom('extra', 'Amount', 'constructor', '__proto__'), anyValue), { maxLength: 2 }), fc.nat(), layout)
      .map(([r, extra, drop, l]) => {
        const pairs = Object.entries(r);
        pairs.splice(drop % (pairs.length + 1), 1);
        return objectLine([...pairs, ...extra], l);
      }),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(validRecord, fc.nat(), layout).map(([r, cut, l]) => {
      const line = objectLine(Object.entries(r), l);
      return line.slice(0, cut % line.length);
    }),
  },
  { weight: 1, arbitrary: fc.constantFrom('', '   ', '[]', 'null', '{}', '{"type":"transaction"', '\ufeff{"type":"transaction"}', 'not json', '{"a":1}{"b":2}') },
);

const sources = fc.constantFrom<SourceKind>('core-banking', 'mobile-banking', 'partner');

describe('FastNdjson', () => {
  it('takes valid records of the bulk types and writes what the general path writes', () => {
    fc.assert(
      fc.property(validRecord, layout, (record, l) => {
        const source: SourceKind = record.type.trim().toLowerCase() === 'session' ? 'mobile-banking' : record.type === 'purchase' ? 'partner' : 'core-banking';
        const ctx = contextOf(source);
        const text = objectLine(Object.entries(record), l);
        const general = generalLine(text, ctx);
        expect(general).toBeDefined();
        // Characters other than ASCII at a value's edge go the general way; everything else must be taken.
        const edgy = Object.values(record).some((v) => typeof v === 'string' && /^\s*[^\x00-\x7f]|[^\x00-\x7f]\s*$/.test(v));
        const fast = fastLine(text, ctx);
        if (!edgy) expect(fast).toEqual(general);
        else if (fast) expect(fast).toEqual(general);
      }),
      { numRuns: 3000 },
    );
  });

  it('writes exactly what the general path writes, or leaves the line to it', () => {
    fc.assert(
      fc.property(anyLine, sources, (text, source) => {
        const ctx = contextOf(source);
        const fast = fastLine(text, ctx);
        if (fast) expect(fast).toEqual(generalLine(text, ctx));
      }),
      { numRuns: 20000 },
    );
  });

  it.each([
    ['a number where text is expected', '{"type":"transaction","key":12,"accountKey":"A","bookedAt":"2023-01-01T00:00:00Z","amount":"1","channel":"ATM","counterpartyKind":"CASH"}'],
    ['an escaped character', '{"type":"transaction","key":"T\\u0031","accountKey":"A","bookedAt":"2023-01-01T00:00:00Z","amount":"1","channel":"ATM","counterpartyKind":"CASH"}'],
    ['a repeated field', '{"type":"transaction","key":"T1","key":"T2","accountKey":"A","bookedAt":"2023-01-01T00:00:00Z","amount":"1","channel":"ATM","counterpartyKind":"CASH"}'],
    ['a missing required field', '{"type":"transaction","key":"T1","bookedAt":"2023-01-01T00:00:00Z","amount":"1","channel":"ATM","counterpartyKind":"CASH"}'],
    ['an unknown field with a value', '{"type":"transaction","key":"T1","accountKey":"A","bookedAt":"2023-01-01T00:00:00Z","amount":"1","channel":"ATM","counterpartyKind":"CASH","colour":"red"}'],
    ['a type this source may not send', '{"type":"session","key":"S1","customerKey":"C","startedAt":"2023-01-01T00:00:00Z","durationSeconds":"5"}'],
    ['a type that is not staged', '{"type":"customer","key":"C1"}'],
    ['a time zone offset', '{"type":"transaction","key":"T1","accountKey":"A","bookedAt":"2023-01-01T08:00:00+08:00","amount":"1","channel":"ATM","counterpartyKind":"CASH"}'],
  ])('leaves %s to the general path', (_, text) => {
    expect(fastLine(text, contextOf('core-banking'))).toBeUndefined();
  });
});

describe('parseNdjsonChunk with and without the fast path', () => {
  const chunkOf = (lines: string[], eol: string, firstLine: number): LineChunk => ({ bytes: Buffer.from(lines.join(eol)), firstLine, count: lines.length });

  it('reads every chunk alike: counts, order, rejections, records and COPY text', () => {
    fc.assert(
      fc.property(fc.array(anyLine, { minLength: 1, maxLength: 40 }), fc.constantFrom('\n', '\r\n'), fc.integer({ min: 1, max: 1e6 }), sources, (lines, eol, firstLine, source) => {
        const ctx = contextOf(source);
        const chunk = chunkOf(lines, eol, firstLine);
        const fast = parseNdjsonChunk(FILE, chunk, ctx, bulkTypesOf(ctx));
        expect(fast).toEqual(parseNdjsonChunk(FILE, chunk, ctx, bulkTypesOf(ctx), { fastPath: false }));
      }),
      { numRuns: 2000 },
    );
  });

  it('takes the common lines of ASCII and of UTF-8 chunks without JSON.parse', () => {
    const ctx = contextOf('core-banking');
    const line = (i: number, description: string) =>
      JSON.stringify({ type: 'transaction', key: `T${i}`, accountKey: 'A1', bookedAt: '2024-01-01T10:00:00.000Z', amount: '1.50', channel: 'ATM', counterpartyKind: 'CASH', description });
    const parse = jest.spyOn(JSON, 'parse');
    try {
      for (const description of ['plain', 'café au lait']) {
        const chunk = chunkOf([line(1, description), line(2, description), '', line(3, description)], '\r\n', 1);
        const parsed = parseNdjsonChunk(FILE, chunk, ctx, ['transaction']);
        expect(parsed.copy[0].lines).toEqual(Uint32Array.from([1, 2, 4]));
      }
      expect(parse).not.toHaveBeenCalled();
    } finally {
      parse.mockRestore();
    }
  });

  it('reads a chunk that is not valid UTF-8 the general way, line by line', () => {
    const ctx = contextOf('core-banking');
    const good = '{"type":"transaction","key":"T1","accountKey":"A","bookedAt":"2023-01-01T00:00:00Z","amount":"1","channel":"ATM","counterpartyKind":"CASH"}';
    const bytes = Buffer.concat([Buffer.from(`${good}\n{"type":"transaction","key":"`), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n\ufeff' + good)]);
    const chunk: LineChunk = { bytes, firstLine: 10, count: 3 };
    const parsed = parseNdjsonChunk(FILE, chunk, ctx, ['transaction']);
    expect(parsed).toEqual(parseNdjsonChunk(FILE, chunk, ctx, ['transaction'], { fastPath: false }));
    expect(parsed.rejections).toEqual([expect.objectContaining({ line: 11, reason: expect.stringContaining('not valid UTF-8') })]);
    expect(parsed.copy[0].ends).toHaveLength(2);
  });
});
