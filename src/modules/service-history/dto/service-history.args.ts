import { IsIn, IsOptional, Length, MaxLength } from 'class-validator';
import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { PageArgs } from '../../../common/dto/page.args';
import { ProductType, SortDirection } from '../../../graphql/enums';
import { DateTimeScalar } from '../../../graphql/scalars';
import type { FollowUpStatus as FollowUpStatusValue } from '../follow-up.entity';
import type { InteractionChannel as ChannelValue } from '../interaction.entity';
import type { TimelineEventKind as TimelineEventKindValue } from '../timeline';
import { FollowUpStatus, InteractionChannel, InteractionKind, InteractionOutcome, TimelineEventKind } from './service-history.enums';

@InputType({ description: 'An interaction to record. With sourceKey, recording is idempotent: the same key updates instead of duplicating.' })
export class RecordInteractionInput {
  @Field(() => ID)
  customerId: string;

  @Field(() => DateTimeScalar)
  occurredAt: Date;

  @Field(() => InteractionChannel)
  channel: string;

  @Field(() => InteractionKind)
  kind: string;

  @Field(() => InteractionOutcome, { nullable: true })
  outcome?: string | null;

  @Field(() => ID, { nullable: true, description: 'The branch where it happened, or the branch of the staff member.' })
  branchId?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(100)
  staffRef?: string | null;

  @Field(() => ProductType, { nullable: true })
  productType?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(2000)
  note?: string | null;

  @Field(() => String, { nullable: true, description: 'Default "fattail-api".' })
  @IsOptional()
  @Length(1, 100)
  sourceSystem?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 200)
  sourceKey?: string | null;
}

@ArgsType()
export class ServiceHistoryArgs extends PageArgs {
  @Field(() => DateTimeScalar, { nullable: true, description: 'Events at or after.' })
  from?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Events before.' })
  to?: Date | null;

  @Field(() => [InteractionChannel], { nullable: true, description: 'Only events on these channels (events without a channel drop out).' })
  channels?: ChannelValue[] | null;

  @Field(() => [TimelineEventKind], { nullable: true })
  kinds?: TimelineEventKindValue[] | null;

  @Field(() => SortDirection, { nullable: true, defaultValue: 'DESC', description: 'By occurredAt; newest first by default.' })
  @IsOptional()
  @IsIn(['ASC', 'DESC'])
  order?: 'ASC' | 'DESC' | null;
}

@ArgsType()
export class CustomerFollowUpsArgs extends PageArgs {
  @Field(() => [FollowUpStatus], { nullable: true, description: 'Any status when omitted.' })
  status?: FollowUpStatusValue[] | null;
}

@ArgsType()
export class FollowUpWorkListArgs extends PageArgs {
  @Field(() => String, { nullable: true, description: 'Staff reference of the owner.' })
  @IsOptional()
  @MaxLength(100)
  owner?: string | null;

  @Field(() => [FollowUpStatus], { nullable: true, description: 'OPEN and OVERDUE when omitted: what is still to do.' })
  status?: FollowUpStatusValue[] | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Due before this time.' })
  dueBefore?: Date | null;

  @Field(() => ID, { nullable: true })
  branchId?: string | null;
}

@ArgsType()
export class CreateFollowUpArgs {
  @Field(() => ID)
  customerId: string;

  @Field(() => DateTimeScalar)
  dueAt: Date;

  @Field()
  @Length(1, 500)
  reason: string;

  @Field({ description: 'Staff reference of who will do it.' })
  @Length(1, 100)
  owner: string;

  @Field(() => ID, { nullable: true, description: 'Default: the customer’s home branch.' })
  branchId?: string | null;
}

@ArgsType()
export class CompleteFollowUpArgs {
  @Field(() => ID)
  id: string;

  @Field()
  @Length(1, 2000)
  outcome: string;

  @Field(() => InteractionChannel, { nullable: true, description: 'When given, the contact is also recorded as a FOLLOW_UP interaction.' })
  channel?: ChannelValue | null;
}
