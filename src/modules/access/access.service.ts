import { AccessRepository, AuditRow } from './access.repository';
import { ApiKeyService } from './api-key.service';
import { ConsentService } from './consent.service';

/** Application-wide access services (not per request): keys, consent, the audit trail, the operation registry. */
export class AccessService {
  constructor(
    readonly apiKeys: ApiKeyService,
    readonly consent: ConsentService,
    private readonly repo: AccessRepository,
  ) {}

  audit(filter: { apiKeyId?: string | null; from?: Date | null; to?: Date | null; piiOnly?: boolean | null }, customerId: string | null, limit: number): Promise<AuditRow[]> {
    return this.repo.findAudit({ ...filter, customerId }, limit);
  }

  registerOperation(id: string, name: string, document: string): Promise<void> {
    return this.repo.upsertPersistedOperation(id, name, document);
  }
}
