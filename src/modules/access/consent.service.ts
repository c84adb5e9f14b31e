import DataLoader from 'dataloader';
import { DataSource } from 'typeorm';
import { badInput } from '../../common/errors';
import { AccessRepository, ConsentRow } from './access.repository';
import { CONSENT_SCOPES, ConsentScope } from './principal';

export interface GrantConsentInput {
  customerId: string;
  partnerCode: string;
  purpose: string;
  scopes: string[];
  expiresAt?: Date | null;
}

export class ConsentService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: AccessRepository,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async grant(input: GrantConsentInput): Promise<ConsentRow> {
    if (!input.purpose?.trim()) throw badInput('purpose', 'a consent states its purpose');
    if (!input.scopes.length) throw badInput('scopes', 'a consent covers at least one scope');
    const unknown = input.scopes.filter((s) => !(CONSENT_SCOPES as readonly string[]).includes(s));
    if (unknown.length) throw badInput('scopes', `unknown scope(s): ${unknown.join(', ')}`);
    const now = this.clock();
    if (input.expiresAt && input.expiresAt <= now) throw badInput('expiresAt', 'expiresAt must be in the future');
    const partnerId = await this.repo.partnerIdByCode(input.partnerCode);
    if (!partnerId) throw badInput('partnerCode', `no partner with code "${input.partnerCode}"`);
    const [exists] = await this.dataSource.query('SELECT 1 FROM customer WHERE id = $1', [input.customerId]);
    if (!exists) throw badInput('customerId', `no customer ${input.customerId}`);
    return this.repo.insertConsent(this.dataSource, {
      customerId: input.customerId,
      partnerId,
      purpose: input.purpose.trim(),
      scopes: [...new Set(input.scopes)],
      grantedAt: now,
      expiresAt: input.expiresAt ?? null,
    });
  }

  /** Revokes every live consent of the customer for the partner; effective on the next request. */
  async revoke(customerId: string, partnerCode: string): Promise<number> {
    const partnerId = await this.repo.partnerIdByCode(partnerCode);
    if (!partnerId) throw badInput('partnerCode', `no partner with code "${partnerCode}"`);
    return this.repo.revokeConsents(this.dataSource, customerId, partnerId, this.clock());
  }

  async ofCustomer(customerId: string): Promise<ConsentRow[]> {
    return this.repo.consentsOfCustomer(customerId);
  }

  /** Per request: the scopes a partner holds for each customer (empty: no live consent). */
  scopesLoader(partnerId: string): DataLoader<string, ConsentScope[]> {
    return new DataLoader(async (customerIds) => {
      const rows = await this.repo.liveConsentScopes(partnerId, customerIds, this.clock());
      const byCustomer = new Map(rows.map((r) => [r.customerId, r.scopes] as const));
      return customerIds.map((id) => byCustomer.get(id) ?? []);
    });
  }
}
