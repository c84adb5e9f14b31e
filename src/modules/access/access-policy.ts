import DataLoader from 'dataloader';
import { DomainException, ErrorCode } from '../../common/errors';
import { PARTNER_FILTER_FIELDS } from './access-rules';
import { ConsentScope, Principal } from './principal';

/**
 * The per-request view of what the caller may see. Services ask it before returning customers; the
 * access transform of the schema asks it per field. It also collects what the audit trail records.
 */
export class AccessPolicy {
  readonly touchedCustomers = new Set<string>();
  readonly fields = new Set<string>();
  piiAccessed = false;

  constructor(
    readonly principal: Principal,
    private readonly consentScopes: DataLoader<string, ConsentScope[]> | null,
  ) {}

  get isPartner(): boolean {
    return this.principal.role === 'PARTNER';
  }

  /** Non-partners see every customer; a partner only those with a live consent for it. */
  async canSeeCustomer(customerId: string): Promise<boolean> {
    if (!this.isPartner) return true;
    return (await this.scopesOf(customerId)).length > 0;
  }

  async scopesOf(customerId: string): Promise<ConsentScope[]> {
    if (!this.consentScopes) return [];
    return this.consentScopes.load(customerId);
  }

  async requireScope(customerId: string, scope: ConsentScope, field: string): Promise<void> {
    if (!this.isPartner) return;
    if (!(await this.scopesOf(customerId)).includes(scope)) {
      throw new DomainException(`Not permitted: the customer's consent does not cover ${field} (${scope})`, ErrorCode.FORBIDDEN, { field });
    }
  }

  /** The partner whose data only may be shown (null: no restriction). */
  get partnerRestriction(): string | null {
    return this.isPartner ? this.principal.partnerId : null;
  }

  /** Partners filter on profile fields only (and then only customers whose consent covers PROFILE). */
  checkPartnerFilter(filter: unknown, path = 'filter'): void {
    if (!this.isPartner || filter == null || typeof filter !== 'object') return;
    const entries = Array.isArray(filter) ? filter.map((f, i) => [`[${i}]`, f] as const) : Object.entries(filter);
    for (const [key, value] of entries) {
      if (value == null) continue;
      const at = Array.isArray(filter) ? `${path}${key}` : `${path}.${key}`;
      if (!Array.isArray(filter) && !PARTNER_FILTER_FIELDS.has(key)) {
        throw new DomainException(`Not permitted: partners cannot filter on ${key}`, ErrorCode.FORBIDDEN, { field: at });
      }
      if (key === '_and' || key === '_or' || key === '_not' || Array.isArray(filter)) this.checkPartnerFilter(value, at);
    }
  }
}
