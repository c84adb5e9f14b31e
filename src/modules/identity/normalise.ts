import { createHmac } from 'node:crypto';

/**
 * Pure normalisers for linking identifiers. Each returns the canonical form or throws an
 * IdentifierError naming what is wrong, so the ingestion layer can turn it into a reject entry.
 */
export class IdentifierError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
    this.name = 'IdentifierError';
  }
}

/** Calling codes for the countries this bank deals with; a national number is prefixed with its default country's. */
export const CALLING_CODES: Readonly<Record<string, string>> = {
  CN: '86',
  HK: '852',
  MO: '853',
  TW: '886',
  SG: '65',
  CZ: '420',
  SK: '421',
  DE: '49',
  FR: '33',
  GB: '44',
  US: '1',
  CA: '1',
};

// Countries whose national format carries a trunk prefix "0" that E.164 drops.
const TRUNK_ZERO = new Set(['CN', 'GB', 'DE', 'FR', 'TW']);

/**
 * E.164 without a phone-number library (none is a dependency): strips punctuation, honours "+" and "00"
 * international prefixes, otherwise applies the default country's calling code. Length is checked against
 * E.164's 8..15 digits, not against each country's numbering plan.
 */
export function normalisePhone(raw: string, defaultCountry = 'CN'): string {
  const trimmed = raw.trim();
  if (!/^[+0-9 ()./-]+$/.test(trimmed)) throw new IdentifierError('phone', `phone "${raw}" has characters other than digits and + ( ) . - /`);
  let digits = trimmed.replace(/[^0-9+]/g, '');
  let international: string;
  if (digits.startsWith('+')) {
    international = digits.slice(1);
    if (international.includes('+')) throw new IdentifierError('phone', `phone "${raw}" has a misplaced +`);
  } else if (digits.startsWith('00')) {
    international = digits.slice(2);
  } else {
    const code = CALLING_CODES[defaultCountry.toUpperCase()];
    if (!code) throw new IdentifierError('phone', `unknown default country ${defaultCountry}`);
    if (TRUNK_ZERO.has(defaultCountry.toUpperCase()) && digits.startsWith('0')) digits = digits.slice(1);
    international = code + digits;
  }
  if (!/^[1-9][0-9]{7,14}$/.test(international)) throw new IdentifierError('phone', `phone "${raw}" is not a valid E.164 number (8 to 15 digits)`);
  return `+${international}`;
}

export function normaliseEmail(raw: string): string {
  const email = raw.trim().toLowerCase();
  // Deliberately loose: one @, something on each side, a dot in the domain. Real validation is sending mail.
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new IdentifierError('email', `email "${raw}" is not an e-mail address`);
  return email;
}

/** National ID: upper-case, spaces/dashes removed (e.g. Chinese resident ID "11010519491231002x" -> "...002X"). */
export function normaliseNationalId(raw: string): string {
  const id = raw.replace(/[\s-]/g, '').toUpperCase();
  if (!/^[0-9A-Z]{4,32}$/.test(id)) throw new IdentifierError('nationalId', `national ID "${raw}" must be 4 to 32 letters or digits`);
  return id;
}

/** Card number: digits only, 12..19 of them, Luhn-valid. Returned only to be hashed; never stored. */
export function normaliseCardNumber(raw: string): string {
  const digits = raw.replace(/[\s-]/g, '');
  if (!/^[0-9]{12,19}$/.test(digits)) throw new IdentifierError('cardNumber', 'card number must be 12 to 19 digits');
  if (!luhnValid(digits)) throw new IdentifierError('cardNumber', 'card number fails the Luhn check');
  return digits;
}

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export function cardLastFour(normalisedCardNumber: string): string {
  return normalisedCardNumber.slice(-4);
}

/**
 * Keyed hash (HMAC-SHA256, hex) of an identifier. The kind is part of the message so the same digits as a
 * phone and as a national ID never collide, and a leaked table cannot be reversed by hashing guesses
 * without the key.
 */
export function keyedHash(key: string, kind: string, normalisedValue: string): string {
  return createHmac('sha256', key).update(`${kind}:${normalisedValue}`).digest('hex');
}

/** Fixed so that development databases stay comparable between runs; refused in production. */
export const DEV_HASH_KEY = 'fattail-development-hash-key-not-secret';

export function hashKeyFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const key = env.FATTAIL_HASH_KEY;
  if (key && key.length > 0) {
    if (env.NODE_ENV === 'production' && key.length < 32) throw new Error('FATTAIL_HASH_KEY must be at least 32 characters in production');
    return key;
  }
  if (env.NODE_ENV === 'production') throw new Error('FATTAIL_HASH_KEY is required in production (identifier hashes are keyed with it)');
  return DEV_HASH_KEY;
}
