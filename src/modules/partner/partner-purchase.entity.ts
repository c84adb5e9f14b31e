import { Column, Entity, Index, Unique } from 'typeorm';
import { SourceRecordEntity } from '../../common/source-record.entity';
import { MONEY } from '../../common/column-types';

@Entity({ name: 'partner_purchase' })
@Unique('partner_purchase_source_uq', ['sourceKey', 'sourceSystem'])
@Index('partner_purchase_customer_at_idx', ['customerId', 'purchasedAt', 'id'])
@Index('partner_purchase_partner_idx', ['partnerId', 'purchasedAt'])
export class PartnerPurchaseEntity extends SourceRecordEntity {
  @Column({ name: 'partner_id', type: 'bigint' })
  partnerId: string;

  @Column({ name: 'purchased_at', type: 'timestamptz' })
  purchasedAt: Date;

  @Column(MONEY)
  amount: string;

  @Column({ type: 'char', length: 3, default: 'CNY' })
  currency: string;

  @Column({ type: 'text', nullable: true })
  category: string | null;

  @Column({ name: 'merchant_category_code', type: 'char', length: 4, nullable: true })
  merchantCategoryCode: string | null;
}
