import { Column, Entity, Index, Unique } from 'typeorm';
import { SourceRecordEntity } from '../../common/source-record.entity';
import { CARD_TYPES, CARD_TIERS, CardType, CardTier } from './core-banking.values';
export { CARD_TYPES, CARD_TIERS };
export type { CardType, CardTier };

@Entity({ name: 'card' })
@Unique('card_source_uq', ['sourceSystem', 'sourceKey'])
@Index('card_account_idx', ['customerId', 'accountId'])
@Index('card_partner_idx', ['partnerId'])
@Index('card_customer_issued_idx', ['customerId', 'issuedAt'])
export class CardEntity extends SourceRecordEntity {
  @Column({ name: 'account_id', type: 'bigint' })
  accountId: string;

  @Column({ name: 'card_type', type: 'text' })
  cardType: CardType;

  @Column({ type: 'text', default: 'CLASSIC' })
  tier: CardTier;

  @Column({ name: 'partner_id', type: 'bigint', nullable: true })
  partnerId: string | null;

  @Column({ name: 'last_four', type: 'char', length: 4, nullable: true })
  lastFour: string | null;

  @Column({ name: 'issued_at', type: 'timestamptz' })
  issuedAt: Date;
}
