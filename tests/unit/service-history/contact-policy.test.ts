import {
  canContact,
  ContactHistory,
  contactPolicyFromEnv,
  DAY_MS,
  daysSince,
  DEFAULT_CONTACT_POLICY,
  historyWindowDays,
  isOverContacted,
  MarketingContact,
} from '../../../src/modules/service-history/contact-policy';

const NOW = new Date('2024-06-30T12:00:00.000Z');
const ago = (days: number, ms = 0) => new Date(NOW.getTime() - days * DAY_MS + ms);
const sms = (at: Date): MarketingContact => ({ at, channel: 'SMS' });
const email = (at: Date): MarketingContact => ({ at, channel: 'EMAIL' });
const history = (marketingContacts: MarketingContact[], lastComplaintAt: Date | null = null): ContactHistory => ({ marketingContacts, lastComplaintAt });
const policy = DEFAULT_CONTACT_POLICY; // 2 per 30 days, 1 per channel per 7 days, 3 quiet days after a complaint

describe('contact policy: canContact', () => {
  it('allows a customer who was never contacted', () => {
    expect(canContact(policy, history([]), 'SMS', NOW)).toEqual({
      allowed: true,
      reason: 'WITHIN_POLICY',
      message: 'no contact rule blocks this contact',
      allowedFrom: null,
    });
  });

  it('allows the second marketing contact in 30 days and refuses the third (exactly at the limit)', () => {
    expect(canContact(policy, history([email(ago(20))]), 'SMS', NOW).allowed).toBe(true);
    const third = canContact(policy, history([email(ago(20)), email(ago(10))]), 'SMS', NOW);
    expect(third).toMatchObject({ allowed: false, reason: 'MARKETING_LIMIT_REACHED' });
    // The older of the two ages out 30 days after it happened: 10 days from now.
    expect(third.allowedFrom).toEqual(new Date(ago(20).getTime() + 30 * DAY_MS));
    expect(third.message).toBe('2 marketing contact(s) in the last 30 days; the policy allows 2');
  });

  it('does not count a contact exactly 30 days old, and counts one a millisecond younger', () => {
    expect(canContact(policy, history([email(ago(30)), email(ago(10))]), 'SMS', NOW).allowed).toBe(true);
    const inside = canContact(policy, history([email(ago(30, 1)), email(ago(10))]), 'SMS', NOW);
    expect(inside).toMatchObject({ allowed: false, reason: 'MARKETING_LIMIT_REACHED' });
    expect(inside.allowedFrom).toEqual(new Date(NOW.getTime() + 1));
  });

  it('limits each channel to one marketing contact per 7 days, other channels stay open', () => {
    const sixDays = history([sms(ago(6, 1))]);
    expect(canContact(policy, sixDays, 'SMS', NOW)).toMatchObject({ allowed: false, reason: 'CHANNEL_LIMIT_REACHED' });
    expect(canContact(policy, sixDays, 'SMS', NOW).allowedFrom).toEqual(new Date(ago(6, 1).getTime() + 7 * DAY_MS));
    expect(canContact(policy, sixDays, 'EMAIL', NOW).allowed).toBe(true);
    // Exactly 7 days ago: out of the channel window.
    expect(canContact(policy, history([sms(ago(7))]), 'SMS', NOW).allowed).toBe(true);
  });

  it('keeps quiet for 3 days after a complaint, up to the millisecond', () => {
    const justBefore = canContact(policy, history([], ago(3, 1)), 'EMAIL', NOW);
    expect(justBefore).toMatchObject({ allowed: false, reason: 'COMPLAINT_QUIET_PERIOD', allowedFrom: new Date(NOW.getTime() + 1) });
    expect(canContact(policy, history([], ago(3)), 'EMAIL', NOW).allowed).toBe(true);
    expect(canContact(policy, history([], ago(10)), 'EMAIL', NOW).allowed).toBe(true);
  });

  it('reports the complaint first when several rules block, and waits for the last one to clear', () => {
    const h = history([sms(ago(25)), sms(ago(2))], ago(1));
    const decision = canContact(policy, h, 'SMS', NOW);
    expect(decision.reason).toBe('COMPLAINT_QUIET_PERIOD');
    // complaint clears in 2 days, SMS channel in 5, the 30-day limit in 5 (the contact 25 days ago ages out).
    expect(decision.allowedFrom).toEqual(new Date(ago(2).getTime() + 7 * DAY_MS));
  });

  it('ignores contacts and complaints dated after now', () => {
    const future = new Date(NOW.getTime() + DAY_MS);
    expect(canContact(policy, history([sms(future), sms(future)], future), 'SMS', NOW).allowed).toBe(true);
  });

  it('never allows anything under a zero limit, and says so with no allowedFrom', () => {
    const none = { ...policy, maxMarketingContacts: 0 };
    expect(canContact(none, history([]), 'SMS', NOW)).toMatchObject({ allowed: false, reason: 'MARKETING_LIMIT_REACHED', allowedFrom: null });
  });
});

describe('contact policy: pressure figures', () => {
  it('calls a customer over-contacted only above the limit', () => {
    expect(isOverContacted(policy, history([sms(ago(1)), email(ago(2))]), NOW)).toBe(false);
    expect(isOverContacted(policy, history([sms(ago(1)), email(ago(2)), sms(ago(29))]), NOW)).toBe(true);
    expect(isOverContacted(policy, history([sms(ago(1)), email(ago(2)), sms(ago(30))]), NOW)).toBe(false);
  });

  it('counts whole days since the last contact', () => {
    expect(daysSince(null, NOW)).toBeNull();
    expect(daysSince(ago(0, -1), NOW)).toBe(0);
    expect(daysSince(ago(1, 1), NOW)).toBe(0);
    expect(daysSince(ago(1), NOW)).toBe(1);
    expect(daysSince(ago(90, -3_600_000), NOW)).toBe(90);
  });

  it('loads only as much history as its longest window', () => {
    expect(historyWindowDays(policy)).toBe(30);
    expect(historyWindowDays({ ...policy, complaintQuietDays: 45 })).toBe(45);
  });
});

describe('contact policy: configuration', () => {
  it('defaults to 2 per 30 days, 1 per channel per 7 days, 3 quiet days', () => {
    expect(contactPolicyFromEnv({})).toEqual({ maxMarketingContacts: 2, marketingWindowDays: 30, maxPerChannel: 1, channelWindowDays: 7, complaintQuietDays: 3 });
  });

  it('reads every setting and refuses bad ones by name', () => {
    expect(
      contactPolicyFromEnv({
        FATTAIL_CONTACT_MAX_MARKETING: '4',
        FATTAIL_CONTACT_MARKETING_WINDOW_DAYS: '60',
        FATTAIL_CONTACT_MAX_PER_CHANNEL: '2',
        FATTAIL_CONTACT_CHANNEL_WINDOW_DAYS: '14',
        FATTAIL_CONTACT_COMPLAINT_QUIET_DAYS: '0',
      }),
    ).toEqual({ maxMarketingContacts: 4, marketingWindowDays: 60, maxPerChannel: 2, channelWindowDays: 14, complaintQuietDays: 0 });
    expect(() => contactPolicyFromEnv({ FATTAIL_CONTACT_MARKETING_WINDOW_DAYS: '0' })).toThrow(/FATTAIL_CONTACT_MARKETING_WINDOW_DAYS must be an integer >= 1/);
    expect(() => contactPolicyFromEnv({ FATTAIL_CONTACT_MAX_MARKETING: '2.5' })).toThrow(/FATTAIL_CONTACT_MAX_MARKETING/);
    expect(() => contactPolicyFromEnv({ FATTAIL_CONTACT_MAX_PER_CHANNEL: 'lots' })).toThrow(/FATTAIL_CONTACT_MAX_PER_CHANNEL/);
  });
});
