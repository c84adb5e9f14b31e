import { Field, ID, Int, ObjectType } from 'type-graphql';
import { connectionTypes } from '../../../common/dto/connection.type';
import { Node } from '../../../common/dto/node.interface';
import { DateTimeScalar } from '../../../graphql/scalars';
import { Branch } from '../../branch/dto/branch.type';
import { FollowUpStatus } from './service-history.enums';

@ObjectType({ implements: Node, description: 'A promised next contact with a customer, owned by a member of staff.' })
export class FollowUp implements Node {
  @Field(() => ID)
  id: string;

  @Field(() => DateTimeScalar)
  dueAt: Date;

  @Field()
  reason: string;

  @Field({ description: 'Staff reference of the owner, e.g. a relationship manager.' })
  owner: string;

  @Field(() => FollowUpStatus, { description: 'OVERDUE is computed: open and past dueAt at the time of the request.' })
  status: string;

  @Field({ description: 'Open and past its due time.' })
  overdue: boolean;

  @Field(() => DateTimeScalar)
  createdAt: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  completedAt: Date | null;

  @Field(() => String, { nullable: true })
  outcome: string | null;
}

@ObjectType({ description: 'Open follow-ups of one branch.' })
export class BranchFollowUpCount {
  @Field(() => Branch, { nullable: true, description: 'Null for follow-ups of customers without a branch.' })
  branch: unknown;

  @Field(() => Int, { description: 'Open follow-ups, overdue ones included.' })
  open: number;

  @Field(() => Int)
  overdue: number;
}

export const { Connection: FollowUpConnection, Edge: FollowUpEdge } = connectionTypes(FollowUp, 'FollowUp');
