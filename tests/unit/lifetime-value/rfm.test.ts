import { compressRfm, RfmEvent, summariseRfm } from '../../../src/modules/lifetime-value/model';

const ev = (customerKey: string, at: string | Date, amount: number): RfmEvent => ({ customerKey, at, amount });

describe('summariseRfm', () => {
  const events = [
    ev('a', '2024-01-01', 10),
    ev('a', '2024-01-01', 5), // same day as the first purchase: merged into it, not a repeat
    ev('a', '2024-01-15', 20),
    ev('a', '2024-01-15', 4), // merged: one repeat transaction worth 24
    ev('a', '2024-01-29', 30),
    ev('a', '2024-02-10', 99), // after calibration: holdout
    ev('a', '2024-03-10', 1), // after the holdout end: ignored
    ev('b', '2024-01-20', 7),
    ev('c', '2024-02-05', 3), // first purchase after calibration: not a customer yet
  ];

  it('merges same-day events, excludes the first purchase from x and measures time from it', () => {
    const rows = summariseRfm(events, '2024-01-31', 'week');
    expect(rows.map((r) => r.customerKey)).toEqual(['a', 'b']);
    const [a, b] = rows;
    expect(a).toMatchObject({ x: 2, tx: 28 / 7, T: 30 / 7, zbar: (24 + 30) / 2, firstPurchase: '2024-01-01' });
    expect(b).toMatchObject({ x: 0, tx: 0, T: 11 / 7, zbar: 0 });
    expect(a.holdoutX).toBeUndefined();
  });

  it('counts merged holdout transactions up to and including holdoutEnd', () => {
    const [a, b] = summariseRfm([...events, ev('a', '2024-02-10', 1), ev('b', '2024-02-29', 2)], '2024-01-31', 'day', {
      holdoutEnd: '2024-02-29',
    });
    expect(a).toMatchObject({ x: 2, tx: 28, T: 30, holdoutX: 1, holdoutValue: 100 });
    expect(b).toMatchObject({ holdoutX: 1, holdoutValue: 2 });
  });

  it('converts days to the requested unit (a month is 365.25/12 days)', () => {
    const [month] = summariseRfm(events, '2024-01-31', 'month');
    expect(month.tx).toBeCloseTo(28 / (365.25 / 12), 12);
    expect(month.T).toBeCloseTo(30 / (365.25 / 12), 12);
  });

  it('takes Date objects by their UTC day', () => {
    const [row] = summariseRfm(
      [ev('d', new Date('2024-01-01T23:59:00Z'), 1), ev('d', new Date('2024-01-08T00:00:00Z'), 2)],
      new Date('2024-01-15T12:00:00Z'),
      'day',
    );
    expect(row).toMatchObject({ x: 1, tx: 7, T: 14, zbar: 2 });
  });

  it('rejects malformed dates instead of guessing', () => {
    expect(() => summariseRfm([ev('a', '2024-02-30', 1)], '2024-03-01', 'day')).toThrow(RangeError);
    expect(() => summariseRfm([ev('a', '01/02/2024', 1)], '2024-03-01', 'day')).toThrow(RangeError);
    expect(() => summariseRfm([ev('a', '2024-01-01', 1)], '2024-03-01', 'day', { holdoutEnd: '2024-02-01' })).toThrow(
      RangeError,
    );
  });
});

describe('compressRfm', () => {
  it('groups identical triples and keeps the customer count', () => {
    const rows = [
      { x: 0, tx: 0, T: 5 },
      { x: 1, tx: 2, T: 5 },
      { x: 0, tx: 0, T: 5 },
      { x: 1, tx: 2, T: 5, count: 3 },
      { x: 1, tx: 3, T: 5 },
    ];
    const groups = compressRfm(rows);
    expect(groups).toHaveLength(3);
    expect(groups).toEqual(
      expect.arrayContaining([
        { x: 0, tx: 0, T: 5, count: 2 },
        { x: 1, tx: 2, T: 5, count: 4 },
        { x: 1, tx: 3, T: 5, count: 1 },
      ]),
    );
  });
});
