import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { GENDERS, INCOME_BANDS, Gender, IncomeBand } from './customer.values';
export { GENDERS, INCOME_BANDS };
export type { Gender, IncomeBand };

@Entity({ name: 'customer' })
@Index('customer_home_branch_idx', ['homeBranchId'])
@Index('customer_created_at_idx', ['createdAt', 'id'])
@Index('customer_full_name_idx', ['fullName', 'id'])
@Index('customer_region_city_idx', ['region', 'city'])
export class CustomerEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'BY DEFAULT' })
  id: string;

  @Column({ name: 'full_name', type: 'text' })
  fullName: string;

  @Column({ name: 'birth_date', type: 'date', nullable: true })
  birthDate: string | null;

  @Column({ type: 'text', nullable: true })
  gender: Gender | null;

  @Column({ type: 'text', nullable: true })
  occupation: string | null;

  @Column({ name: 'income_band', type: 'text', nullable: true })
  incomeBand: IncomeBand | null;

  @Column({ type: 'text', nullable: true })
  city: string | null;

  @Column({ type: 'text', nullable: true })
  region: string | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  interests: string[];

  @Column({ name: 'home_branch_id', type: 'bigint', nullable: true })
  homeBranchId: string | null;

  @Column({ type: 'text', nullable: true })
  email: string | null;

  @Column({ type: 'text', nullable: true })
  phone: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
