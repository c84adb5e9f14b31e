import { Field, ID, Int, ObjectType } from 'type-graphql';
import { connectionTypes } from '../../../common/dto/connection.type';
import { Node } from '../../../common/dto/node.interface';
import { DateTimeScalar, MoneyScalar } from '../../../graphql/scalars';

@ObjectType({ implements: Node })
export class MobileSession implements Node {
  @Field(() => ID)
  id: string;

  @Field(() => DateTimeScalar)
  startedAt: Date;

  @Field(() => Int)
  durationSeconds: number;

  @Field(() => [String])
  featuresUsed: string[];
}

export const { Connection: MobileSessionConnection, Edge: MobileSessionEdge } = connectionTypes(MobileSession, 'MobileSession');

@ObjectType({ description: 'Mobile-banking enrolment; null on a customer who never enrolled.' })
export class MobileBanking {
  @Field(() => DateTimeScalar)
  enrolledAt: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Null: enrolled but never activated.' })
  activatedAt: Date | null;

  @Field()
  activated: boolean;

  @Field(() => MoneyScalar)
  transferLimit: string;

  @Field(() => [String])
  devices: string[];

  @Field(() => DateTimeScalar, { nullable: true })
  lastLoginAt: Date | null;
}
