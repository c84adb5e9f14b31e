/** Who is calling. Built once per request from the API key (or the local open demo). */
export const ROLES = ['ADMIN', 'ANALYST', 'FRONTEND', 'PARTNER'] as const;
export type Role = (typeof ROLES)[number];

/** Extra capabilities a key can carry beyond its role. */
export const KEY_SCOPES = ['pii'] as const;
export type KeyScope = (typeof KEY_SCOPES)[number];

export const CONSENT_SCOPES = ['PROFILE', 'CONTACT', 'SEGMENTS', 'LIFETIME_VALUE', 'PARTNER_PURCHASES', 'ACCOUNT_SUMMARY'] as const;
export type ConsentScope = (typeof CONSENT_SCOPES)[number];

export interface Principal {
  /** null for the open local demo. */
  keyId: string | null;
  keyName: string;
  role: Role;
  partnerId: string | null;
  partnerCode: string | null;
  scopes: string[];
}

export const OPEN_DEMO_PRINCIPAL: Principal = {
  keyId: null,
  keyName: 'open-local-demo',
  role: 'ADMIN',
  partnerId: null,
  partnerCode: null,
  scopes: ['pii'],
};

export function seesPii(principal: Principal): boolean {
  return principal.role === 'ADMIN' || principal.scopes.includes('pii');
}

export function isAudited(principal: Principal): boolean {
  return principal.role === 'PARTNER' || principal.role === 'ANALYST';
}
