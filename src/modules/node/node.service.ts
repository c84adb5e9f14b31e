import { fromGlobalId, parseOwnedLocalId } from '../../common/global-id';
import { BRANCH_TYPE, BranchService } from '../branch/branch.service';
import { ACCOUNT_TYPE, CARD_TYPE, CoreBankingService, LOAN_TYPE, TRANSACTION_TYPE } from '../core-banking/core-banking.service';
import { CUSTOMER_TYPE, CustomerService } from '../customer/customer.service';
import { PARTNER_PURCHASE_TYPE, PARTNER_TYPE, PartnerService } from '../partner/partner.service';

export interface NodeServices {
  customer: CustomerService;
  coreBanking: CoreBankingService;
  partner: PartnerService;
  branch: BranchService;
}

/** Resolves Relay global ids of every type to the same views the typed queries return. */
export class NodeService {
  constructor(private readonly services: NodeServices) {}

  async node(globalId: string): Promise<({ __typename: string } & object) | null> {
    const { type, id } = fromGlobalId(globalId);
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
      default:
        return null;
    }
  }
}
