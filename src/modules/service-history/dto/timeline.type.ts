import { Field, ID, Int, InterfaceType, ObjectType } from 'type-graphql';
import { connectionTypes } from '../../../common/dto/connection.type';
import { CurrencyScalar, DateTimeScalar, MoneyScalar } from '../../../graphql/scalars';
import { LoanStatus, ProductType } from '../../../graphql/enums';
import { Interaction } from './interaction.type';
import { InteractionChannel, TimelineEventKind } from './service-history.enums';

/** Views carry __typename (see service-history.service.ts toTimelineView), so no class instances are needed. */
@InterfaceType({
  description: 'One entry of a customer’s service history: an interaction or a significant event from another source.',
  resolveType: (value: { __typename?: string }) => value.__typename,
})
export abstract class TimelineEvent {
  @Field(() => ID, { description: 'Opaque and stable; not resolvable through node().' })
  id: string;

  @Field(() => DateTimeScalar)
  occurredAt: Date;

  @Field(() => TimelineEventKind)
  kind: string;

  @Field(() => InteractionChannel, { nullable: true, description: 'Null for events that have no channel (accounts, loans).' })
  channel: string | null;

  @Field({ description: 'One line for staff screens, e.g. "Opened a savings account".' })
  summary: string;
}

@ObjectType({ implements: TimelineEvent, description: 'An interaction (service request, complaint, advice, sale, marketing contact, follow-up).' })
export class InteractionEvent extends TimelineEvent {
  @Field(() => Interaction)
  interaction: Interaction;
}

@ObjectType({ implements: TimelineEvent })
export class AccountOpenedEvent extends TimelineEvent {
  @Field(() => ProductType)
  productType: string;

  @Field(() => String, { nullable: true })
  accountNumber: string | null;

  @Field(() => CurrencyScalar)
  currency: string;
}

@ObjectType({ implements: TimelineEvent })
export class AccountClosedEvent extends TimelineEvent {
  @Field(() => ProductType)
  productType: string;

  @Field(() => String, { nullable: true })
  accountNumber: string | null;

  @Field(() => DateTimeScalar)
  openedAt: Date;
}

@ObjectType({ implements: TimelineEvent })
export class LoanGrantedEvent extends TimelineEvent {
  @Field(() => MoneyScalar)
  principal: string;

  @Field(() => Int)
  termMonths: number;

  @Field(() => MoneyScalar, { nullable: true })
  monthlyPayment: string | null;

  @Field(() => LoanStatus, { description: 'The loan’s status today.' })
  status: string;
}

@ObjectType({ implements: TimelineEvent })
export class MobileEnrolledEvent extends TimelineEvent {
  @Field(() => [String])
  devices: string[];
}

@ObjectType({ implements: TimelineEvent })
export class MobileActivatedEvent extends TimelineEvent {
  @Field(() => DateTimeScalar)
  enrolledAt: Date;

  @Field(() => Int, { description: 'Whole days from enrolment to activation.' })
  daysToActivate: number;
}

@ObjectType({ implements: TimelineEvent, description: 'The first purchase with a partner: one event per partner.' })
export class FirstPartnerPurchaseEvent extends TimelineEvent {
  @Field(() => MoneyScalar)
  amount: string;

  @Field(() => CurrencyScalar)
  currency: string;

  @Field(() => String, { nullable: true })
  category: string | null;
}

@ObjectType({ implements: TimelineEvent, description: 'The customer joined a segment at a segment refresh.' })
export class SegmentEnteredEvent extends TimelineEvent {
  @Field()
  segmentKey: string;

  @Field()
  segmentName: string;
}

@ObjectType({ implements: TimelineEvent, description: 'The customer left a segment at a segment refresh.' })
export class SegmentExitedEvent extends TimelineEvent {
  @Field()
  segmentKey: string;

  @Field()
  segmentName: string;
}

export const TIMELINE_EVENT_TYPES = [
  InteractionEvent,
  AccountOpenedEvent,
  AccountClosedEvent,
  LoanGrantedEvent,
  MobileEnrolledEvent,
  MobileActivatedEvent,
  FirstPartnerPurchaseEvent,
  SegmentEnteredEvent,
  SegmentExitedEvent,
];

export const { Connection: TimelineEventConnection, Edge: TimelineEventEdge } = connectionTypes(TimelineEvent as any, 'TimelineEvent');
