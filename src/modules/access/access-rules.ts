import { ConsentScope, Role } from './principal';

/**
 * The authorisation table, in one place so it can be read and reviewed. Default deny: a root field that
 * is not listed here is ADMIN-only, and a field of a guarded type that a partner's rules do not list
 * is FORBIDDEN for partners. A test fails when a root field of the schema is missing from this table.
 */
const ALL: Role[] = ['ADMIN', 'ANALYST', 'FRONTEND', 'PARTNER'];
const STAFF: Role[] = ['ADMIN', 'ANALYST', 'FRONTEND'];
const ANALYSIS: Role[] = ['ADMIN', 'ANALYST'];
const SERVICE: Role[] = ['ADMIN', 'FRONTEND'];
const ADMIN: Role[] = ['ADMIN'];

export const ROOT_FIELD_ROLES: Record<string, Role[]> = {
  // customer reads: partners see only consenting customers (enforced in the services)
  'Query.customer': ALL,
  'Query.customerBySource': ALL,
  'Query.customers': ALL,
  'Query.node': ALL,
  'Query.partners': ALL,
  'Query.branches': STAFF,
  // segments and analytics
  'Query.segments': STAFF,
  'Query.segment': STAFF,
  'Query.explainMembership': STAFF,
  'Query.customerStats': [...ANALYSIS, 'PARTNER'],
  'Query.paymentChannelStats': ANALYSIS,
  'Query.lifetimeValueModels': ANALYSIS,
  'Query.lifetimeValueModel': ANALYSIS,
  'Mutation.createSegment': ANALYSIS,
  'Mutation.updateSegment': ANALYSIS,
  'Mutation.deleteSegment': ANALYSIS,
  'Mutation.refreshSegments': ANALYSIS,
  'Mutation.fitLifetimeValueModel': ANALYSIS,
  // service actions
  'Query.followUps': STAFF,
  'Query.overdueFollowUpCounts': STAFF,
  'Query.canContact': STAFF,
  'Mutation.recordInteraction': SERVICE,
  'Mutation.createFollowUp': SERVICE,
  'Mutation.completeFollowUp': SERVICE,
  'Mutation.grantConsent': SERVICE,
  'Mutation.revokeConsent': SERVICE,
  // administration
  'Query.apiKeys': ADMIN,
  'Query.auditLog': ADMIN,
  'Mutation.createApiKey': ADMIN,
  'Mutation.revokeApiKey': ADMIN,
  'Mutation.rotateApiKey': ADMIN,
  'Mutation.registerPersistedOperation': ADMIN,
  'Mutation.ingestRecords': ADMIN,
  'Mutation.unmergeCustomer': ADMIN,
};

/** What a partner may read of a consenting customer, and under which consent scope. 'ALWAYS': no scope needed. */
export const PARTNER_FIELD_SCOPES: Record<string, Record<string, ConsentScope | 'ALWAYS'>> = {
  Customer: {
    id: 'ALWAYS',
    fullName: 'PROFILE',
    birthDate: 'PROFILE',
    age: 'PROFILE',
    gender: 'PROFILE',
    occupation: 'PROFILE',
    incomeBand: 'PROFILE',
    city: 'PROFILE',
    region: 'PROFILE',
    interests: 'PROFILE',
    createdAt: 'PROFILE',
    updatedAt: 'PROFILE',
    email: 'CONTACT',
    phone: 'CONTACT',
    segments: 'SEGMENTS',
    lifetimeValue: 'LIFETIME_VALUE',
    partnerPurchases: 'PARTNER_PURCHASES',
    accounts: 'ACCOUNT_SUMMARY',
  },
  // Reached only through Customer.accounts (ACCOUNT_SUMMARY) or node(id) (checked in the node service).
  Account: {
    id: 'ALWAYS',
    productType: 'ALWAYS',
    currency: 'ALWAYS',
    status: 'ALWAYS',
    openedAt: 'ALWAYS',
    closedAt: 'ALWAYS',
    balance: 'ALWAYS',
  },
};

/** Fields holding identifiers: masked for everyone but admins and keys with the `pii` scope. */
export const PII_FIELDS = new Set(['Customer.email', 'Customer.phone', 'CustomerIdentifier.value']);

/** Profile filter fields a partner may filter on (with PROFILE consent); any other filter field is refused. */
export const PARTNER_FILTER_FIELDS = new Set(['_and', '_or', '_not', 'fullName', 'age', 'gender', 'occupation', 'incomeBand', 'city', 'region', 'interests', 'customerSince']);

export function rolesFor(rootField: string): Role[] {
  return ROOT_FIELD_ROLES[rootField] ?? ADMIN;
}
