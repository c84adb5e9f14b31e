import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { JSONObjectResolver } from 'graphql-scalars';
import { DateTimeScalar } from '../../../graphql/scalars';
import { Customer } from '../../customer/dto/customer.type';

export enum IngestSource {
  CORE_BANKING = 'core-banking',
  MOBILE_BANKING = 'mobile-banking',
  PARTNER = 'partner',
}
registerEnumType(IngestSource, { name: 'IngestSource' });

@InputType()
export class IngestRecordsInput {
  @Field(() => IngestSource)
  source: IngestSource;

  @Field(() => String, { nullable: true, description: 'Partner code, for source PARTNER.' })
  partner?: string | null;

  @Field(() => [JSONObjectResolver], { description: 'At most 1 000 records in the canonical format (each with its `type` and `key`).' })
  records: Record<string, unknown>[];
}

@ObjectType()
export class IngestRejection {
  @Field(() => Int, { description: '1-based position in `records`.' }) line: number;
  @Field(() => String, { nullable: true }) type?: string | null;
  @Field(() => String, { nullable: true }) key?: string | null;
  @Field(() => String, { nullable: true }) field?: string | null;
  @Field() reason: string;
}

@ObjectType({ description: 'What one call did. Re-sending the same records counts them as unchanged.' })
export class IngestResult {
  @Field(() => Int) read: number;
  @Field(() => Int) inserted: number;
  @Field(() => Int) updated: number;
  @Field(() => Int) unchanged: number;
  @Field(() => Int) rejected: number;
  @Field(() => Int, { description: 'Held until their parent record arrives (late data).' }) pending: number;
  @Field(() => Int) promoted: number;
  @Field(() => Int) customersCreated: number;
  @Field(() => Int) customersMerged: number;
  @Field(() => [IngestRejection]) rejections: IngestRejection[];
}

@ObjectType({ description: 'A merge of two customers records, which can be undone.' })
export class CustomerMerge {
  @Field(() => ID) id: string;
  @Field(() => ID, { description: 'Global id of the customer merged into this one.' }) mergedCustomerId: string;
  @Field() matchRule: string;
  @Field(() => String, { nullable: true }) triggerSourceSystem: string | null;
  @Field(() => String, { nullable: true }) triggerSourceKey: string | null;
  @Field(() => DateTimeScalar) mergedAt: Date;
  @Field(() => DateTimeScalar, { nullable: true }) unmergedAt: Date | null;
}

@ObjectType()
export class UnmergeResult {
  @Field(() => Customer, { nullable: true }) survivor: unknown;
  @Field(() => Customer, { nullable: true }) restored: unknown;
}
