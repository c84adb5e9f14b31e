import { fromGlobalId, parseOwnedLocalId } from '../../common/global-id';
import { AccessPolicy } from '../access/access-policy';
import { FOLLOW_UP_TYPE, INTERACTION_TYPE, ServiceHistoryService } from '../service-history/service-history.service';
import { ConsentScope } from '../access/principal';
import { BRANCH_TYPE, BranchService } from '../branch/branch.service';
import { ACCOUNT_TYPE, CARD_TYPE, CoreBankingService, LOAN_TYPE, STANDING_ORDER_TYPE, TRANSACTION_TYPE } from '../core-banking/core-banking.service';
import { CUSTOMER_TYPE, CustomerService } from '../customer/customer.service';
import { PARTNER_PURCHASE_TYPE, PARTNER_TYPE, PartnerService } from '../partner/partner.service';

export interface NodeServices {
  serviceHistory: ServiceHistoryService;
  customer: CustomerService;
  coreBanking: CoreBankingService;
  partner: PartnerService;
  branch: BranchService;
}

/** Resolves Relay global ids of every type to the same views the typed queries return. */
export class NodeService {
  constructor(
    private readonly services: NodeServices,
    private readonly access: AccessPolicy,
  ) {}

  async node(globalId: string): Promise<({ __typename: string } & object) | null> {
    const { type, id } = fromGlobalId(globalId);
    if (!(await this.visibleToCaller(type, id))) return null;
    const tag = <T extends object>(value: T | null) => (value ? { ...value, __typename: type } : null);
    switch (type) {
      case CUSTOMER_TYPE:
        return tag(await this.services.customer.getByLocalId(id));
      case ACCOUNT_TYPE:
        return tag(await this.services.coreBanking.account(parseOwnedLocalId(id)));
      case PARTNER_TYPE:
        return tag(await this.services.partner.byLocalId(id));
      case BRANCH_TYPE:
        return tag(await this.services.branch.byLocalId(id));
      case PARTNER_PURCHASE_TYPE:
        return tag(await this.services.partner.purchase(parseOwnedLocalId(id)));
      case TRANSACTION_TYPE:
        return tag(await this.services.coreBanking.transaction(parseOwnedLocalId(id)));
      case LOAN_TYPE:
        return tag(await this.services.coreBanking.loan(parseOwnedLocalId(id)));
      case CARD_TYPE:
        return tag(await this.services.coreBanking.card(parseOwnedLocalId(id)));
      case STANDING_ORDER_TYPE:
        return tag(await this.services.coreBanking.standingOrder(parseOwnedLocalId(id)));
      case INTERACTION_TYPE:
        return tag(await this.services.serviceHistory.interaction(parseOwnedLocalId(id)));
      case FOLLOW_UP_TYPE:
        return tag(await this.services.serviceHistory.followUp(parseOwnedLocalId(id)));
      default:
        return null;
    }
  }

  /**
   * Partners reach a customer-owned record only through a consenting customer and the matching scope;
   * anything else answers null, exactly like a record that does not exist.
   */
  private async visibleToCaller(type: string, id: string): Promise<boolean> {
    if (!this.access.isPartner) return true;
    if (type === PARTNER_TYPE) return true;
    if (type === CUSTOMER_TYPE) return true; // getByLocalId applies the consent check itself
    const scope = PARTNER_NODE_SCOPES[type];
    if (!scope) return false;
    const { customerId } = parseOwnedLocalId(id);
    return (await this.access.scopesOf(customerId)).includes(scope);
  }
}

const PARTNER_NODE_SCOPES: Record<string, ConsentScope> = {
  [ACCOUNT_TYPE]: 'ACCOUNT_SUMMARY',
  [PARTNER_PURCHASE_TYPE]: 'PARTNER_PURCHASES',
};
