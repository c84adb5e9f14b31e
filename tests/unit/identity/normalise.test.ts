import {
  cardLastFour,
  DEV_HASH_KEY,
  hashKeyFromEnv,
  IdentifierError,
  keyedHash,
  luhnValid,
  normaliseCardNumber,
  normaliseEmail,
  normaliseNationalId,
  normalisePhone,
} from '../../../src/modules/identity/normalise';

describe('normalisePhone', () => {
  it.each([
    ['138 0013 8000', 'CN', '+8613800138000'],
    ['+86 138-0013-8000', 'CN', '+8613800138000'],
    ['0086 13800138000', 'CN', '+8613800138000'],
    ['(010) 6552 9988', 'CN', '+861065529988'],
    ['020 7946 0958', 'GB', '+442079460958'],
    ['224 123 456', 'CZ', '+420224123456'],
    ['+1 (415) 555-2671', 'CN', '+14155552671'],
  ])('%s with default %s -> %s', (raw, country, expected) => {
    expect(normalisePhone(raw, country)).toBe(expected);
  });

  it.each(['12345', 'call me', '+86 138 0013 8000 1234 5678', '+0 123 456 789', '++8613800138000'])('rejects %s', (raw) => {
    expect(() => normalisePhone(raw, 'CN')).toThrow(IdentifierError);
  });

  it('refuses an unknown default country', () => {
    expect(() => normalisePhone('13800138000', 'XX')).toThrow(/unknown default country/);
  });
});

describe('normaliseEmail', () => {
  it('trims and lower-cases', () => {
    expect(normaliseEmail('  Wang.Fang@Example.COM ')).toBe('wang.fang@example.com');
  });
  it.each(['wang', 'wang@', '@example.com', 'wang fang@example.com', 'wang@localhost'])('rejects %s', (raw) => {
    expect(() => normaliseEmail(raw)).toThrow(IdentifierError);
  });
});

describe('national IDs and cards', () => {
  it('upper-cases national IDs and strips separators', () => {
    expect(normaliseNationalId('11010519491231002x')).toBe('11010519491231002X');
    expect(normaliseNationalId('AB-12 34')).toBe('AB1234');
    expect(() => normaliseNationalId('1')).toThrow(IdentifierError);
  });

  it('accepts Luhn-valid card numbers only and keeps the last four', () => {
    expect(normaliseCardNumber('4111 1111 1111 1111')).toBe('4111111111111111');
    expect(cardLastFour('4111111111111111')).toBe('1111');
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(() => normaliseCardNumber('4111 1111 1111 1112')).toThrow(/Luhn/);
    expect(() => normaliseCardNumber('4111')).toThrow(/12 to 19 digits/);
  });
});

describe('keyed hashes', () => {
  it('depend on the key and on the kind, and are stable', () => {
    const a = keyedHash('k1', 'CARD', '4111111111111111');
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(keyedHash('k1', 'CARD', '4111111111111111')).toBe(a);
    expect(keyedHash('k2', 'CARD', '4111111111111111')).not.toBe(a);
    expect(keyedHash('k1', 'NATIONAL_ID', '4111111111111111')).not.toBe(a);
  });

  it('take the key from FATTAIL_HASH_KEY, with a development default refused in production', () => {
    expect(hashKeyFromEnv({ FATTAIL_HASH_KEY: 'x'.repeat(40) })).toBe('x'.repeat(40));
    expect(hashKeyFromEnv({ NODE_ENV: 'development' })).toBe(DEV_HASH_KEY);
    expect(() => hashKeyFromEnv({ NODE_ENV: 'production' })).toThrow(/FATTAIL_HASH_KEY is required/);
    expect(() => hashKeyFromEnv({ NODE_ENV: 'production', FATTAIL_HASH_KEY: 'short' })).toThrow(/at least 32/);
  });
});
