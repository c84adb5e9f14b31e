import { Field, ID, Int, ObjectType } from 'type-graphql';
import { connectionTypes } from '../../../common/dto/connection.type';
import { Node } from '../../../common/dto/node.interface';
import { Gender, IncomeBand } from '../../../graphql/enums';
import { DateScalar, DateTimeScalar, EmailAddressScalar, PhoneNumberScalar } from '../../../graphql/scalars';

@ObjectType({ implements: Node, description: 'One person, merged from every source that knows them.' })
export class Customer implements Node {
  @Field(() => ID)
  id: string;

  @Field(() => String, { nullable: true, description: 'Null only when the caller’s access does not cover it (partners without PROFILE consent).' })
  fullName: string;

  @Field(() => DateScalar, { nullable: true })
  birthDate: string | null;

  @Field(() => Int, { nullable: true, description: 'Age in whole years today.' })
  age: number | null;

  @Field(() => Gender, { nullable: true })
  gender: string | null;

  @Field(() => String, { nullable: true })
  occupation: string | null;

  @Field(() => IncomeBand, { nullable: true })
  incomeBand: string | null;

  @Field(() => String, { nullable: true })
  city: string | null;

  @Field(() => String, { nullable: true })
  region: string | null;

  @Field(() => [String], { nullable: true, description: 'Interests and hobbies, as tags. Null only when the caller may not see the profile.' })
  interests: string[];

  @Field(() => EmailAddressScalar, { nullable: true })
  email: string | null;

  @Field(() => PhoneNumberScalar, { nullable: true })
  phone: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Customer since. Null only when the caller may not see the profile.' })
  createdAt: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  updatedAt: Date;
}

@ObjectType({ description: 'A source record merged into this customer (provenance).' })
export class SourceRecord {
  @Field({ description: 'Source system, e.g. "core-banking", "mobile-banking", "partner:cdnow".' })
  system: string;

  @Field({ description: 'The record’s key in that system.' })
  key: string;

  @Field({ description: 'The identity rule that linked it (NEW_CUSTOMER when it created the customer).' })
  matchRule: string;

  @Field(() => DateTimeScalar)
  firstSeenAt: Date;

  @Field(() => DateTimeScalar)
  lastSeenAt: Date;
}

export const { Connection: CustomerConnection, Edge: CustomerEdge } = connectionTypes(Customer, 'Customer');
