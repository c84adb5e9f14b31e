import { JSONObjectResolver, JSONResolver } from 'graphql-scalars';
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { connectionTypes } from '../../../common/dto/connection.type';
import { PageInfo } from '../../../common/dto/page-info.type';
import { DateTimeScalar } from '../../../graphql/scalars';
import { Customer } from '../../customer/dto/customer.type';

export const SegmentTransitionKind = { ENTER: 'ENTER', EXIT: 'EXIT' } as const;
registerEnumType(SegmentTransitionKind, { name: 'SegmentTransitionKind' });

export const ConditionKind = { ALL_OF: 'ALL_OF', ANY_OF: 'ANY_OF', NOT: 'NOT', CONDITION: 'CONDITION' } as const;
registerEnumType(ConditionKind, {
  name: 'ConditionKind',
  description: 'ALL_OF: a filter object or _and; ANY_OF: _or; NOT: _not; CONDITION: one field with its operators.',
});

@ObjectType({ description: 'A named group of customers defined by a CustomerFilter; membership is recomputed by refreshSegments.' })
export class Segment {
  @Field({ description: 'Stable identifier: lower-case letters, digits and dashes.' })
  key: string;

  @Field()
  name: string;

  @Field()
  description: string;

  @Field(() => JSONObjectResolver, { description: 'The CustomerFilter, as stored.' })
  definition: Record<string, unknown>;

  @Field({ description: 'Defined by the platform: cannot be changed or deleted.' })
  builtIn: boolean;

  @Field(() => DateTimeScalar, { nullable: true, description: 'The clock of the last refresh that recomputed it; null before the first.' })
  refreshedAt: Date | null;

  @Field(() => DateTimeScalar)
  createdAt: Date;

  @Field(() => DateTimeScalar)
  updatedAt: Date;
}

@ObjectType({ description: 'A customer’s membership of a segment as of the last refresh.' })
export class SegmentMembership {
  @Field(() => Segment)
  segment: Segment;

  @Field(() => DateTimeScalar, { description: 'When the customer entered (the clock of that refresh).' })
  since: Date;
}

@ObjectType({ description: 'A customer entering or leaving a segment, recorded by a refresh.' })
export class SegmentTransition {
  @Field(() => ID)
  id: string;

  @Field(() => SegmentTransitionKind)
  kind: string;

  @Field(() => DateTimeScalar, { description: 'The clock of the refresh that saw it.' })
  at: Date;
}

export const { Connection: SegmentTransitionConnection, Edge: SegmentTransitionEdge } = connectionTypes(SegmentTransition, 'SegmentTransition');

@ObjectType()
export class SegmentMemberEdge {
  @Field()
  cursor: string;

  @Field(() => Customer)
  node: Customer;

  @Field(() => DateTimeScalar, { description: 'When the customer entered the segment.' })
  since: Date;
}

@ObjectType({ description: 'Members of a segment, by customer id.' })
export class SegmentMemberConnection {
  @Field(() => [SegmentMemberEdge])
  edges: SegmentMemberEdge[];

  @Field(() => PageInfo)
  pageInfo: PageInfo;
}

@ObjectType()
export class SegmentRefreshCount {
  @Field()
  key: string;

  @Field(() => Int, { description: 'Members after the refresh.' })
  size: number;

  @Field(() => Int)
  entered: number;

  @Field(() => Int)
  exited: number;
}

@ObjectType({ description: 'One refresh of every segment, committed as a whole.' })
export class SegmentRefresh {
  @Field(() => ID)
  refreshId: string;

  @Field(() => DateTimeScalar, { description: 'The clock the definitions were evaluated at.' })
  asOf: Date;

  @Field(() => [SegmentRefreshCount])
  segments: SegmentRefreshCount[];

  @Field(() => Int)
  entered: number;

  @Field(() => Int)
  exited: number;

  @Field(() => Float)
  elapsedMs: number;
}

@ObjectType({ description: 'One node of a segment definition, evaluated for one customer.' })
export class ConditionExplanation {
  @Field({ description: 'Where the node sits in the definition, e.g. "definition._or[1].activity".' })
  path: string;

  @Field(() => ConditionKind)
  kind: string;

  @Field(() => String, { nullable: true, description: 'The field for a CONDITION, the operator for a group.' })
  field: string | null;

  @Field(() => JSONResolver, { nullable: true, description: 'The condition as written (CONDITION only).' })
  condition: unknown;

  @Field()
  held: boolean;

  @Field(() => JSONResolver, { nullable: true, description: 'The customer’s actual value for this field (CONDITION only).' })
  actual: unknown;
}

@ObjectType({ description: 'Why a customer is or is not in a segment.' })
export class MembershipExplanation {
  @Field(() => Segment)
  segment: Segment;

  @Field(() => Customer)
  customer: Customer;

  @Field(() => DateTimeScalar)
  asOf: Date;

  @Field({ description: 'The definition holds for the customer at asOf.' })
  matches: boolean;

  @Field({ description: 'The customer is a member as of the last refresh.' })
  member: boolean;

  @Field(() => DateTimeScalar, { nullable: true })
  since: Date | null;

  @Field(() => [ConditionExplanation], { description: 'Every node of the definition, in order, the whole definition first.' })
  conditions: ConditionExplanation[];
}
