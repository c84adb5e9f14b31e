import {
  DEFAULT_MATCH_RULES,
  identityKeys,
  IdentityKey,
  parseMatchRules,
  placeholderName,
  planResolution,
  reconcileProfile,
  sourceRank,
} from '../../../src/modules/identity/match-rules';

const hash = (kind: string, value: string) => `${kind}(${value})`;
const key = (rule: IdentityKey['rule'], value: string): IdentityKey => ({ rule, value });

describe('match rule configuration', () => {
  it('defaults to national ID, card, and phone with birth date', () => {
    expect(parseMatchRules(undefined)).toEqual([...DEFAULT_MATCH_RULES]);
    expect(parseMatchRules('email, national_id')).toEqual(['EMAIL', 'NATIONAL_ID']);
    expect(() => parseMatchRules('NATIONAL_ID,SHOE_SIZE')).toThrow(/unknown match rule SHOE_SIZE/);
  });

  it('derives every key the identifiers allow', () => {
    const keys = identityKeys({ nationalIdHash: 'n', cardHash: 'c', phone: '+8613800138000', birthDate: '1985-03-14', email: 'a@b.cn' }, hash);
    expect(keys).toEqual([
      key('NATIONAL_ID', 'n'),
      key('CARD', 'c'),
      key('PHONE_AND_BIRTH_DATE', 'PHONE_AND_BIRTH_DATE(+8613800138000|1985-03-14)'),
      key('EMAIL', 'EMAIL(a@b.cn)'),
      key('PHONE', 'PHONE(+8613800138000)'),
    ]);
    // A phone without a birth date gives no PHONE_AND_BIRTH_DATE key.
    expect(identityKeys({ phone: '+8613800138000' }, hash).map((k) => k.rule)).toEqual(['PHONE']);
  });
});

describe('planResolution', () => {
  const rules = DEFAULT_MATCH_RULES;

  it('creates one new customer per unmatched record', () => {
    const plan = planResolution([{ keys: [key('NATIONAL_ID', 'a')] }, { keys: [key('NATIONAL_ID', 'b')] }], new Map(), rules);
    expect(plan.assertions.map((a) => [a.customerId, a.group, a.matchRule])).toEqual([
      [undefined, 0, 'NEW_CUSTOMER'],
      [undefined, 1, 'NEW_CUSTOMER'],
    ]);
    expect(plan.merges).toEqual([]);
  });

  it('links a record to the customer owning its key, naming the rule', () => {
    const plan = planResolution([{ keys: [key('EMAIL', 'e'), key('NATIONAL_ID', 'a')] }], new Map([['NATIONAL_ID:a', ['7']]]), rules);
    expect(plan.assertions[0]).toEqual({ customerId: '7', group: 0, matchRule: 'NATIONAL_ID' });
  });

  it('ignores keys of disabled rules', () => {
    const owners = new Map([['EMAIL:e', ['7']]]);
    expect(planResolution([{ keys: [key('EMAIL', 'e')] }], owners, rules).assertions[0].matchRule).toBe('NEW_CUSTOMER');
    expect(planResolution([{ keys: [key('EMAIL', 'e')] }], owners, ['EMAIL']).assertions[0]).toMatchObject({ customerId: '7', matchRule: 'EMAIL' });
  });

  it('puts records of one batch sharing a key in one new customer', () => {
    const plan = planResolution([{ keys: [key('NATIONAL_ID', 'a')] }, { keys: [key('NATIONAL_ID', 'a')] }], new Map(), rules);
    expect(plan.groupCount).toBe(1);
    expect(plan.assertions.map((a) => a.matchRule)).toEqual(['NEW_CUSTOMER', 'NATIONAL_ID']);
  });

  it('merges two existing customers a record links, the older (lower id) surviving', () => {
    const owners = new Map([
      ['NATIONAL_ID:a', ['12']],
      ['CARD:c', ['9']],
    ]);
    const plan = planResolution([{ keys: [key('NATIONAL_ID', 'a'), key('CARD', 'c')] }], owners, rules);
    expect(plan.merges).toEqual([{ survivorId: '9', mergedId: '12', rule: 'NATIONAL_ID', assertion: 0 }]);
    expect(plan.assertions[0].customerId).toBe('9');
  });

  it('compares ids as numbers, not strings', () => {
    const owners = new Map([
      ['NATIONAL_ID:a', ['10']],
      ['CARD:c', ['9']],
    ]);
    expect(planResolution([{ keys: [key('NATIONAL_ID', 'a'), key('CARD', 'c')] }], owners, rules).merges[0]).toMatchObject({ survivorId: '9', mergedId: '10' });
  });

  it('re-links an already linked record whose new identifier belongs to another customer', () => {
    const plan = planResolution([{ linkedCustomerId: '20', keys: [key('NATIONAL_ID', 'a')] }], new Map([['NATIONAL_ID:a', ['5']]]), rules);
    expect(plan.merges).toEqual([{ survivorId: '5', mergedId: '20', rule: 'NATIONAL_ID', assertion: 0 }]);
    expect(plan.assertions[0]).toMatchObject({ customerId: '5', matchRule: 'ALREADY_LINKED' });
  });

  it('never re-merges a pair whose merge was undone', () => {
    const owners = new Map([
      ['NATIONAL_ID:a', ['5']],
      ['CARD:c', ['8']],
    ]);
    const plan = planResolution([{ keys: [key('NATIONAL_ID', 'a'), key('CARD', 'c')] }], owners, rules, new Set(['5:8']));
    expect(plan.merges).toEqual([]);
    expect(plan.assertions[0].customerId).toBe('5');
  });

  it('is deterministic whatever the order of owners', () => {
    const a = planResolution([{ keys: [key('NATIONAL_ID', 'a')] }], new Map([['NATIONAL_ID:a', ['3', '2', '11']]]), rules);
    const b = planResolution([{ keys: [key('NATIONAL_ID', 'a')] }], new Map([['NATIONAL_ID:a', ['11', '3', '2']]]), rules);
    expect(a).toEqual(b);
    expect(a.merges.map((m) => [m.survivorId, m.mergedId])).toEqual([
      ['2', '3'],
      ['2', '11'],
    ]);
  });
});

describe('reconcileProfile', () => {
  const core = { sourceSystem: 'core-banking', sourceKey: 'C1', attributes: { fullName: 'Wang Fang', city: 'Beijing' }, observedAt: '2020-01-01T00:00:00' };
  const mobile = {
    sourceSystem: 'mobile-banking',
    sourceKey: 'M1',
    attributes: { fullName: 'WANG Fang', email: 'w@x.cn', city: 'Shanghai' },
    observedAt: '2024-01-01T00:00:00',
  };

  it('takes each field from the highest-priority source that has it', () => {
    const { profile, chosenFrom } = reconcileProfile([mobile, core]);
    expect(profile).toEqual({ fullName: 'Wang Fang', city: 'Beijing', email: 'w@x.cn' });
    expect(chosenFrom).toEqual({ fullName: 'core-banking:C1', city: 'core-banking:C1', email: 'mobile-banking:M1' });
  });

  it('breaks ties within one priority by the most recent observation', () => {
    const older = { ...core, sourceKey: 'C0', attributes: { city: 'Tianjin' }, observedAt: '2019-01-01T00:00:00' };
    expect(reconcileProfile([older, core]).profile.city).toBe('Beijing');
  });

  it('follows a configured priority, with partner:* matching any partner', () => {
    const partner = { sourceSystem: 'partner:tmall', sourceKey: 'P1', attributes: { city: 'Hangzhou' }, observedAt: '2018-01-01T00:00:00' };
    expect(sourceRank('partner:tmall', ['core-banking', 'partner:*'])).toBe(1);
    expect(reconcileProfile([core, partner], ['partner:*', 'core-banking']).profile.city).toBe('Hangzhou');
  });

  it('names a customer without a name after its strongest source', () => {
    expect(placeholderName([{ ...mobile, attributes: {} }, { ...core, attributes: {} }])).toBe('core-banking customer C1');
  });
});
