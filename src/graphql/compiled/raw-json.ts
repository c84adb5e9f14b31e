import type { FormattedExecutionResult } from 'graphql';

/** What Apollo's default stringifyResult writes around `data` when there are no errors or extensions. */
const BODY_PREFIX = '{"data":';
const BODY_SUFFIX = '}\n';

/**
 * A response's `data` kept as JSON text: the compiled read path hands PostgreSQL's JSON straight to the
 * response body instead of parsing it into objects that Apollo would stringify again (a 185 KB list page is
 * about 1 700 objects and 20 000 fields). It holds the whole body Apollo would write, so the usual response
 * goes out without another copy. Only `stringifyResult` below knows how to write it; anything else that
 * serialises it gets the parsed value from toJSON, so it is never wrong.
 */
export class RawJsonData {
  private constructor(private readonly body: string) {
    // Not enumerable: plugins that look at data's values (http-status.plugin.ts) see an answered object.
    Object.defineProperty(this, 'body', { enumerable: false });
  }

  /** From JSON text as PostgreSQL writes it; canonicalised as JSON.stringify would write the parsed value. */
  static fromJsonText(text: string): RawJsonData {
    return new RawJsonData(canonicalJson(text, BODY_PREFIX, BODY_SUFFIX));
  }

  /** `{"data":<json>}\n`: Apollo's default body for { data }. */
  get responseBody(): string {
    return this.body;
  }

  get json(): string {
    return this.body.slice(BODY_PREFIX.length, -BODY_SUFFIX.length);
  }

  toJSON(): unknown {
    return JSON.parse(this.json);
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isHex = (c: number) => isDigit(c) || (c >= 0x61 && c <= 0x66);
/** Escapes JSON.stringify writes after a backslash: " \ b f n r t (and u, checked apart). */
const SHORT_ESCAPES = new Set([0x22, 0x5c, 0x62, 0x66, 0x6e, 0x72, 0x74]);
/** Control characters JSON.stringify writes as \b \t \n \f \r rather than \u00XX. */
const NAMED_CONTROLS = new Set([0x08, 0x09, 0x0a, 0x0c, 0x0d]);

/**
 * Exactly `prefix + JSON.stringify(JSON.parse(text)) + suffix` for valid JSON text, without building the
 * objects: drops the whitespace PostgreSQL's json output puts between tokens (`"key" : value, ...`) and
 * rewrites the rare token JSON.stringify would write differently (a number such as 1e-05 or 1.50, a
 * string with an escape other than the ones JSON.stringify writes). It works on the UTF-8 bytes outside V8's
 * heap, so the only JavaScript string it allocates is the result (one built from slices allocated more than
 * the parse it replaces).
 */
export function canonicalJson(text: string, prefix = '', suffix = ''): string {
  const input = Buffer.from(text, 'utf8');
  const n = input.length;
  let out = Buffer.allocUnsafeSlow(n + prefix.length + suffix.length + 16);
  let w = out.write(prefix, 0, 'utf8');
  const reserve = (bytes: number) => {
    if (w + bytes <= out.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(out.length * 2, w + bytes + suffix.length + 16));
    out.copy(grown, 0, 0, w);
    out = grown;
  };
  const write = (bytes: Buffer) => {
    reserve(bytes.length);
    w += bytes.copy(out, w);
  };
  /** Copies input[from, to) as it is: short runs byte by byte (a call per run cost more than the copy). */
  const copyRun = (from: number, to: number) => {
    if (to <= from) return;
    reserve(to - from);
    if (to - from > 64) {
      w += input.copy(out, w, from, to);
    } else {
      for (let k = from; k < to; k++) out[w++] = input[k];
    }
  };
  let copiedUpTo = 0;
  let nextBackslash = input.indexOf(BACKSLASH);
  let r = 0;
  while (r < n) {
    const c = input[r];
    if (c === QUOTE) {
      let end = input.indexOf(QUOTE, r + 1);
      let canonical = true;
      while (nextBackslash !== -1 && nextBackslash < end) {
        const e = input[nextBackslash + 1];
        if (e === 0x75 /* u */) {
          const code = parseInt(input.toString('latin1', nextBackslash + 2, nextBackslash + 6), 16);
          const lowerHex = isHex(input[nextBackslash + 2]) && isHex(input[nextBackslash + 3]) && isHex(input[nextBackslash + 4]) && isHex(input[nextBackslash + 5]);
          if (!lowerHex || code >= 0x20 || NAMED_CONTROLS.has(code)) canonical = false;
          nextBackslash = input.indexOf(BACKSLASH, nextBackslash + 6);
        } else {
          if (!SHORT_ESCAPES.has(e)) canonical = false;
          // An escaped quote does not end the string.
          if (nextBackslash + 1 === end) end = input.indexOf(QUOTE, end + 1);
          nextBackslash = input.indexOf(BACKSLASH, nextBackslash + 2);
        }
      }
      if (end === -1) throw new SyntaxError('Unterminated string in JSON text');
      if (!canonical) {
        copyRun(copiedUpTo, r);
        write(Buffer.from(JSON.stringify(JSON.parse(input.toString('utf8', r, end + 1))), 'utf8'));
        copiedUpTo = end + 1;
      }
      r = end + 1;
    } else if (isSpace(c)) {
      copyRun(copiedUpTo, r);
      r += 1;
      while (r < n && isSpace(input[r])) r += 1;
      copiedUpTo = r;
    } else if (c === 0x2d /* - */ || isDigit(c)) {
      let end = r + 1;
      let plain = true; // an integer JSON.stringify writes the same way: digits only, exact as a double
      for (; end < n; end++) {
        const d = input[end];
        if (isDigit(d)) continue;
        if (d === 0x2e || d === 0x65 || d === 0x45 || d === 0x2b || d === 0x2d) plain = false;
        else break;
      }
      if (!plain || end - r > 15 || (c === 0x2d && end - r === 2 && input[r + 1] === 0x30)) {
        const raw = input.toString('latin1', r, end);
        const canonical = JSON.stringify(JSON.parse(raw));
        if (canonical !== raw) {
          copyRun(copiedUpTo, r);
          write(Buffer.from(canonical, 'latin1'));
          copiedUpTo = end;
        }
      }
      r = end;
    } else {
      r += 1;
    }
  }
  copyRun(copiedUpTo, n);
  write(Buffer.from(suffix, 'utf8'));
  return out.toString('utf8', 0, w);
}

/**
 * ApolloServer's `stringifyResult`: Apollo's own default (JSON plus a newline) for every response, except
 * that raw `data` is spliced in as it is. Apollo passes the fields in this order: errors, data, extensions.
 */
export function stringifyResult(value: FormattedExecutionResult): string {
  if (!(value.data instanceof RawJsonData)) return `${JSON.stringify(value)}\n`;
  if (value.errors === undefined && value.extensions === undefined) return value.data.responseBody;
  const parts: string[] = [];
  if (value.errors !== undefined) parts.push(`"errors":${JSON.stringify(value.errors)}`);
  parts.push(`"data":${value.data.json}`);
  if (value.extensions !== undefined) parts.push(`"extensions":${JSON.stringify(value.extensions)}`);
  return `{${parts.join(',')}}\n`;
}
