// A floor that answers something else is no floor: before any load, both servers answer the same
// requests and the answers must be the same JSON (key order aside).

export interface Difference {
  path: string;
  fattail: unknown;
  floor: unknown;
}

/** The first place two JSON values differ, or null when they are equal. Object key order is ignored. */
export function firstDifference(fattail: unknown, floor: unknown, path = '$'): Difference | null {
  if (Array.isArray(fattail) && Array.isArray(floor)) {
    if (fattail.length !== floor.length) return { path: `${path}.length`, fattail: fattail.length, floor: floor.length };
    for (let i = 0; i < fattail.length; i++) {
      const d = firstDifference(fattail[i], floor[i], `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (fattail && floor && typeof fattail === 'object' && typeof floor === 'object' && !Array.isArray(fattail) && !Array.isArray(floor)) {
    const a = fattail as Record<string, unknown>;
    const b = floor as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const key of keys) {
      if (!(key in a) || !(key in b)) return { path: `${path}.${key}`, fattail: key in a ? a[key] : '(missing)', floor: key in b ? b[key] : '(missing)' };
      const d = firstDifference(a[key], b[key], `${path}.${key}`);
      if (d) return d;
    }
    return null;
  }
  return Object.is(fattail, floor) ? null : { path, fattail, floor };
}

/** Counts the objects in a response, so a check that compares two empty answers does not pass unnoticed. */
export function objectCount(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + objectCount(v), 0);
  if (value && typeof value === 'object') return 1 + Object.values(value).reduce((n: number, v) => n + objectCount(v), 0);
  return 0;
}

export async function postJson(url: string, body: string, headers: Record<string, string>): Promise<{ status: number; json: unknown; bytes: number }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await res.text();
  try {
    return { status: res.status, json: JSON.parse(text), bytes: Buffer.byteLength(text) };
  } catch {
    throw new Error(`${url} answered ${res.status} with a body that is not JSON: ${text.slice(0, 300)}`);
  }
}
