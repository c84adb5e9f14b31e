import type { InteractionChannel } from './interaction.entity';

/**
 * The marketing contact policy, as a pure function of the customer's recent history and the clock. Windows
 * are rolling and measured in whole 24-hour days: a contact counts in a window of D days while
 * now - D days < contactAt <= now (a contact exactly D days old has left the window). Contacts dated after
 * `now` (scheduled, or clock skew between sources) are ignored.
 */
export interface ContactPolicy {
  /** At most this many marketing contacts (any channel) within marketingWindowDays. */
  maxMarketingContacts: number;
  marketingWindowDays: number;
  /** At most this many marketing contacts per channel within channelWindowDays. */
  maxPerChannel: number;
  channelWindowDays: number;
  /** No marketing contact for this many days after a complaint (any channel). */
  complaintQuietDays: number;
}

export const DEFAULT_CONTACT_POLICY: Readonly<ContactPolicy> = {
  maxMarketingContacts: 2,
  marketingWindowDays: 30,
  maxPerChannel: 1,
  channelWindowDays: 7,
  complaintQuietDays: 3,
};

export interface MarketingContact {
  at: Date;
  channel: InteractionChannel;
}

export interface ContactHistory {
  /** Marketing contacts, in any order; callers may pass more than the windows need. */
  marketingContacts: readonly MarketingContact[];
  lastComplaintAt: Date | null;
}

export const CONTACT_DECISION_REASONS = ['WITHIN_POLICY', 'COMPLAINT_QUIET_PERIOD', 'MARKETING_LIMIT_REACHED', 'CHANNEL_LIMIT_REACHED'] as const;
export type ContactDecisionReason = (typeof CONTACT_DECISION_REASONS)[number];

export interface ContactDecision {
  allowed: boolean;
  /** The first rule that blocks, in the order complaint, overall limit, channel limit; WITHIN_POLICY when allowed. */
  reason: ContactDecisionReason;
  message: string;
  /** When every blocking rule clears, if nothing else happens meanwhile; null when allowed now. */
  allowedFrom: Date | null;
}

export const DAY_MS = 86_400_000;

/** Days the policy needs to look back: the SQL that loads a history reads no further. */
export function historyWindowDays(policy: ContactPolicy): number {
  return Math.max(policy.marketingWindowDays, policy.channelWindowDays, policy.complaintQuietDays);
}

function inWindow(at: Date, now: Date, days: number): boolean {
  const t = at.getTime();
  return t <= now.getTime() && t > now.getTime() - days * DAY_MS;
}

/**
 * With `limit` or more contacts in the window, the window clears when the limit-th newest contact ages out:
 * from then on at most limit - 1 remain.
 */
function clearsAt(contacts: readonly MarketingContact[], now: Date, days: number, limit: number): Date {
  const inside = contacts
    .filter((c) => inWindow(c.at, now, days))
    .map((c) => c.at.getTime())
    .sort((a, b) => b - a);
  return new Date(inside[limit - 1] + days * DAY_MS);
}

export function canContact(policy: ContactPolicy, history: ContactHistory, channel: InteractionChannel, now: Date): ContactDecision {
  const blocks: { reason: ContactDecisionReason; message: string; until: Date | null }[] = [];

  const complaint = history.lastComplaintAt;
  if (complaint && complaint.getTime() <= now.getTime() && now.getTime() < complaint.getTime() + policy.complaintQuietDays * DAY_MS) {
    blocks.push({
      reason: 'COMPLAINT_QUIET_PERIOD',
      message: `the customer complained on ${complaint.toISOString()}; no marketing for ${policy.complaintQuietDays} days after a complaint`,
      until: new Date(complaint.getTime() + policy.complaintQuietDays * DAY_MS),
    });
  }

  const all = history.marketingContacts;
  const recent = all.filter((c) => inWindow(c.at, now, policy.marketingWindowDays)).length;
  if (recent >= policy.maxMarketingContacts) {
    blocks.push({
      reason: 'MARKETING_LIMIT_REACHED',
      message: `${recent} marketing contact(s) in the last ${policy.marketingWindowDays} days; the policy allows ${policy.maxMarketingContacts}`,
      until: policy.maxMarketingContacts === 0 ? null : clearsAt(all, now, policy.marketingWindowDays, policy.maxMarketingContacts),
    });
  }

  const onChannel = all.filter((c) => c.channel === channel);
  const recentOnChannel = onChannel.filter((c) => inWindow(c.at, now, policy.channelWindowDays)).length;
  if (recentOnChannel >= policy.maxPerChannel) {
    blocks.push({
      reason: 'CHANNEL_LIMIT_REACHED',
      message: `${recentOnChannel} marketing contact(s) by ${channel} in the last ${policy.channelWindowDays} days; the policy allows ${policy.maxPerChannel}`,
      until: policy.maxPerChannel === 0 ? null : clearsAt(onChannel, now, policy.channelWindowDays, policy.maxPerChannel),
    });
  }

  if (blocks.length === 0) {
    return { allowed: true, reason: 'WITHIN_POLICY', message: 'no contact rule blocks this contact', allowedFrom: null };
  }
  // A limit of 0 never clears: the contact is not allowed at any time under this policy.
  const never = blocks.some((b) => b.until === null);
  const allowedFrom = never ? null : new Date(Math.max(...blocks.map((b) => b.until!.getTime())));
  return { allowed: false, reason: blocks[0].reason, message: blocks[0].message, allowedFrom };
}

/** More marketing contacts in the policy window than the policy allows: the definition the filter language uses too. */
export function isOverContacted(policy: ContactPolicy, history: ContactHistory, now: Date): boolean {
  return history.marketingContacts.filter((c) => inWindow(c.at, now, policy.marketingWindowDays)).length > policy.maxMarketingContacts;
}

/** Whole days since the last contact (floor), or null when there never was one. */
export function daysSince(last: Date | null, now: Date): number | null {
  if (!last) return null;
  return Math.max(0, Math.floor((now.getTime() - last.getTime()) / DAY_MS));
}

/** Reads the policy from FATTAIL_CONTACT_* variables; throws naming the first bad one. */
export function contactPolicyFromEnv(env: NodeJS.ProcessEnv): ContactPolicy {
  const read = (name: string, fallback: number, min: number): number => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min}; got "${raw}"`);
    return n;
  };
  return {
    maxMarketingContacts: read('FATTAIL_CONTACT_MAX_MARKETING', DEFAULT_CONTACT_POLICY.maxMarketingContacts, 0),
    marketingWindowDays: read('FATTAIL_CONTACT_MARKETING_WINDOW_DAYS', DEFAULT_CONTACT_POLICY.marketingWindowDays, 1),
    maxPerChannel: read('FATTAIL_CONTACT_MAX_PER_CHANNEL', DEFAULT_CONTACT_POLICY.maxPerChannel, 0),
    channelWindowDays: read('FATTAIL_CONTACT_CHANNEL_WINDOW_DAYS', DEFAULT_CONTACT_POLICY.channelWindowDays, 1),
    complaintQuietDays: read('FATTAIL_CONTACT_COMPLAINT_QUIET_DAYS', DEFAULT_CONTACT_POLICY.complaintQuietDays, 0),
  };
}
