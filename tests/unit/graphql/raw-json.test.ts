import { canonicalJson, RawJsonData, stringifyResult } from '../../../src/graphql/compiled/raw-json';

// canonicalJson must be JSON.stringify(JSON.parse(text)) without the objects: the compiled read path's
// responses were written that way before and clients (and the equivalence test) see the same bytes.
const viaObjects = (text: string) => JSON.stringify(JSON.parse(text));

/** A deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** JSON text the way PostgreSQL writes it: `"key" : value, ...`, numbers as float8out and numeric print them. */
function pgStyle(rand: () => number, depth = 0): string {
  const pick = <T>(items: T[]) => items[Math.floor(rand() * items.length)];
  const space = () => pick(['', ' ', ' ', '\n ', '  ']);
  const kind = depth > 3 ? pick(['string', 'number', 'literal']) : pick(['string', 'number', 'literal', 'object', 'array']);
  switch (kind) {
    case 'string':
      return JSON.stringify(
        pick(['', 'plain', 'with space, and : colon', 'quote " inside', 'back\\slash', 'tab\tnew\nline', 'ctrl \u0001\u001f', 'é 中文 😀', '1e-05', '"', '\\"', '\u2028']),
      ).replace(/\\u001f/, pick(['\\u001f', '\\u001F']));
    case 'number':
      return pick(['0', '-0', '42', '-7', '1.50', '0.1', '1e-05', '1.2e-07', '1e+20', '1.5E+21', '12345678901234567890', '9007199254740993', '3.0', '-0.0', '0.000123']);
    case 'literal':
      return pick(['true', 'false', 'null']);
    case 'object': {
      const n = Math.floor(rand() * 4);
      const pairs = Array.from({ length: n }, (_, i) => `${JSON.stringify(`k${i} "x"`)}${space()}:${space()}${pgStyle(rand, depth + 1)}`);
      return `{${space()}${pairs.join(`,${space()}`)}${space()}}`;
    }
    default: {
      const n = Math.floor(rand() * 4);
      return `[${space()}${Array.from({ length: n }, () => pgStyle(rand, depth + 1)).join(`,${space()}`)}${space()}]`;
    }
  }
}

describe('canonicalJson', () => {
  it('writes what JSON.stringify(JSON.parse(text)) writes, for PostgreSQL-style JSON', () => {
    const rand = random(20261206);
    for (let i = 0; i < 5_000; i++) {
      const text = pgStyle(rand);
      expect(canonicalJson(text)).toBe(viaObjects(text));
    }
  });

  it('handles the forms PostgreSQL writes and JSON.stringify does not', () => {
    const cases = [
      '{"a" : 1, "b" : [1,2], "c" : {"d" : null}}',
      '[{"x" : 1}, \n {"x" : 2}]',
      '{"probabilityAlive" : 1e-05, "expected" : 1.2e-07, "big" : 1e+21, "numeric" : 1.50, "negZero" : -0}',
      '{"s" : "a\\/b \\u00e9 \\u001F"}',
      '{"k\\"ey" : "v\\\\", "n" : "\\\\\\""}',
      '"just a string"',
      '"\\ud83d\\ude00 \\u0008 \\u0041"',
      '12',
      '{}',
      '[]',
    ];
    for (const text of cases) expect(canonicalJson(text)).toBe(viaObjects(text));
  });

  it('leaves compact text as it is, and adds a prefix and suffix', () => {
    const text = '{"data":{"a":[1,2,"x y"]}}';
    expect(canonicalJson(text)).toBe(text);
    expect(canonicalJson('{"a" : "é, 中文 😀"}', '<', '>\n')).toBe('<{"a":"é, 中文 😀"}>\n');
  });

  it('grows its buffer when canonical numbers are longer than what PostgreSQL wrote', () => {
    const text = `[${Array.from({ length: 200 }, () => '1.2e-05').join(',')}]`;
    expect(canonicalJson(text)).toBe(viaObjects(text));
  });
});

describe('stringifyResult', () => {
  it('is Apollo\'s default for ordinary results', () => {
    const results = [
      { data: { a: 1 } },
      { errors: [{ message: 'no', extensions: { code: 'X' } }], data: null },
      { errors: [{ message: 'no' }] },
      { data: { a: [1, { b: 'c' }] }, extensions: { cost: 3 } },
    ];
    for (const result of results) expect(stringifyResult(result)).toBe(`${JSON.stringify(result)}\n`);
  });

  it('splices raw data in where JSON.stringify would have written the parsed value', () => {
    const json = '{"customers":{"edges":[{"node":{"id":"Q3VzdG9tZXI6MQ","age":35}}]}}';
    const parsed = JSON.parse(json);
    expect(stringifyResult({ data: RawJsonData.fromJsonText(json) as never })).toBe(`${JSON.stringify({ data: parsed })}\n`);
    const withAll = { errors: [{ message: 'late' }], data: RawJsonData.fromJsonText(json) as never, extensions: { x: 1 } };
    expect(stringifyResult(withAll)).toBe(`${JSON.stringify({ errors: withAll.errors, data: parsed, extensions: withAll.extensions })}\n`);
    // Anything else that serialises it still gets the right value.
    expect(JSON.stringify({ data: RawJsonData.fromJsonText(json) })).toBe(JSON.stringify({ data: parsed }));
    expect(Object.values(RawJsonData.fromJsonText(json))).toEqual([]);
    expect(RawJsonData.fromJsonText('{"a" : 1}').json).toBe('{"a":1}');
  });
});
