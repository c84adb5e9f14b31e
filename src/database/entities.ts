import { IngestPendingEntity } from '../ingestion/ingest-pending.entity';
import { BranchEntity } from '../modules/branch/branch.entity';
import { AccountHolderEntity } from '../modules/core-banking/account-holder.entity';
import { AccountEntity } from '../modules/core-banking/account.entity';
import { CardEntity } from '../modules/core-banking/card.entity';
import { LoanEntity } from '../modules/core-banking/loan.entity';
import { StandingOrderEntity } from '../modules/core-banking/standing-order.entity';
import { TransactionEntity } from '../modules/core-banking/transaction.entity';
import { CustomerSourceEntity } from '../modules/customer/customer-source.entity';
import { CustomerEntity } from '../modules/customer/customer.entity';
import { CustomerIdentifierEntity } from '../modules/identity/customer-identifier.entity';
import { CustomerMergeEntity } from '../modules/identity/customer-merge.entity';
import { MobileEnrolmentEntity } from '../modules/mobile-banking/mobile-enrolment.entity';
import { MobileSessionEntity } from '../modules/mobile-banking/mobile-session.entity';
import { PartnerPurchaseEntity } from '../modules/partner/partner-purchase.entity';
import { PartnerEntity } from '../modules/partner/partner.entity';
import { FollowUpEntity } from '../modules/service-history/follow-up.entity';
import { InteractionEntity } from '../modules/service-history/interaction.entity';

export const ENTITIES = [
  BranchEntity,
  PartnerEntity,
  CustomerEntity,
  CustomerSourceEntity,
  AccountEntity,
  TransactionEntity,
  LoanEntity,
  CardEntity,
  StandingOrderEntity,
  MobileEnrolmentEntity,
  MobileSessionEntity,
  PartnerPurchaseEntity,
  CustomerIdentifierEntity,
  CustomerMergeEntity,
  AccountHolderEntity,
  IngestPendingEntity,
  InteractionEntity,
  FollowUpEntity,
];
