import { DEFAULT_CONTACT_POLICY } from '../service-history/contact-policy';

/**
 * Built-in segments, written in the customer filter language like any analyst's segment. This list is the
 * source of truth: the segments migration seeds it and every refresh re-syncs it, so changing a threshold
 * here changes the segment at the next refresh. Built-ins cannot be updated or deleted through the API.
 * Thresholds are documented in docs/filter-language.md; keep the two in step.
 */
export interface BuiltInSegment {
  key: string;
  name: string;
  description: string;
  definition: Record<string, unknown>;
}

/** The top share of customers by total balance that makes the head; everyone else is the long tail. */
export const HEAD_PERCENTILE = 0.95;

export const BUILT_IN_SEGMENTS: readonly BuiltInSegment[] = [
  {
    key: 'head',
    name: 'Head customers',
    description: 'The top 5% of customers by total balance of held accounts (at least 95% of customers hold less).',
    definition: { balancePercentile: { _gte: HEAD_PERCENTILE } },
  },
  {
    key: 'long-tail',
    name: 'Long-tail customers',
    description: 'Everyone outside the head: fewer than 95% of customers hold less.',
    definition: { balancePercentile: { _lt: HEAD_PERCENTILE } },
  },
  {
    key: 'dormant',
    name: 'Dormant',
    description: 'Holds an account that is not closed, but no transaction, mobile session or partner purchase in the last 180 days.',
    definition: { accountCount: { _gt: 0 }, activity: { kind: 'ANY', withinDays: 180, count: { _eq: 0 } } },
  },
  {
    key: 'churn-risk',
    name: 'Churn risk',
    description: 'Activity of any kind in the last 90 days is less than half of the 90 days before (which had some).',
    definition: { activityTrend: { kind: 'ANY', withinDays: 90, ratio: { _lt: 0.5 } } },
  },
  {
    key: 'mobile-inactive',
    name: 'Mobile enrolled, never activated',
    description: 'Enrolled in mobile banking but never activated the app.',
    definition: { mobileEnrolled: true, mobileActivated: false },
  },
  {
    key: 'not-mobile-enrolled',
    name: 'Not enrolled in mobile banking',
    description: 'Never enrolled in mobile banking.',
    definition: { mobileEnrolled: false },
  },
  {
    key: 'third-party-leakage',
    name: 'Third-party payment leakage',
    description: 'More than 30% of outgoing payments (by number) in the last 90 days went to third-party payment platforms.',
    definition: {
      outgoingShare: { counterpartyKind: ['THIRD_PARTY_PLATFORM'], withinDays: 90, share: { _gt: 0.3 }, measure: 'COUNT' },
    },
  },
  {
    key: 'micro-loan-candidate',
    name: 'Micro-loan candidate',
    description:
      'An income-like inflow (transfer, salary, pension or cash deposit; not interest) in each of the last three 30-day periods, ' +
      'no loan account, and no loan that is active, in arrears or defaulted.',
    definition: {
      activity: {
        kind: 'TRANSACTION',
        direction: 'IN',
        counterpartyKind: ['OTHER_BANK', 'OWN_BANK', 'GOVERNMENT', 'CASH'],
        withinDays: 90,
        periodDays: 30,
        activePeriods: { _gte: 3 },
      },
      _not: { _or: [{ hasProductType: { _eq: 'LOAN' } }, { hasLoanStatus: { _in: ['ACTIVE', 'IN_ARREARS', 'DEFAULTED'] } }] },
    },
  },
  {
    key: 'young-co-brand-prospect',
    name: 'Young co-brand prospect',
    description: 'Aged 18 to 30 with at least one partner purchase in the last 365 days.',
    definition: { age: { _gte: 18, _lte: 30 }, activity: { kind: 'PARTNER_PURCHASE', withinDays: 365 } },
  },
  {
    key: 'no-contact-90d',
    name: 'No contact in 90 days',
    description: 'No interaction of any kind or channel with the bank in the last 90 days.',
    definition: { contact: { withinDays: 90, count: { _eq: 0 } } },
  },
  {
    key: 'over-contacted',
    name: 'Over-contacted',
    description:
      `More than ${DEFAULT_CONTACT_POLICY.maxMarketingContacts} marketing contacts in the last ${DEFAULT_CONTACT_POLICY.marketingWindowDays} days ` +
      '(the default contact policy).',
    definition: {
      contact: {
        kind: ['MARKETING_CONTACT'],
        withinDays: DEFAULT_CONTACT_POLICY.marketingWindowDays,
        count: { _gt: DEFAULT_CONTACT_POLICY.maxMarketingContacts },
      },
    },
  },
  {
    key: 'loan-elsewhere',
    name: 'Loan at another bank',
    description:
      'Pays loan instalments by standing order from an account that is not closed, and has never had a loan here: no loan account, ' +
      'no loan in any status (a repaid loan here may be what the order still pays). A refinancing lead.',
    definition: {
      hasStandingOrderPurpose: { _eq: 'LOAN_REPAYMENT' },
      _not: { _or: [{ hasProductType: { _eq: 'LOAN' } }, { hasLoanStatus: { _in: ['ACTIVE', 'IN_ARREARS', 'DEFAULTED', 'REPAID'] } }] },
    },
  },
];
