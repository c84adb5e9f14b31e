import { Column, Entity, Index, Unique } from 'typeorm';
import { SourceRecordEntity } from '../../common/source-record.entity';

export const CARD_TYPES = ['DEBIT', 'CREDIT', 'CO_BRANDED'] as const;
export type CardType = (typeof CARD_TYPES)[number];
export const CARD_TIERS = ['JUNIOR', 'CLASSIC', 'GOLD', 'PLATINUM'] as const;
export type CardTier = (typeof CARD_TIERS)[number];

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
