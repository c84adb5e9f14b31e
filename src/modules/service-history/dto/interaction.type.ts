import { Field, ID, ObjectType } from 'type-graphql';
import { Node } from '../../../common/dto/node.interface';
import { ProductType } from '../../../graphql/enums';
import { DateTimeScalar } from '../../../graphql/scalars';
import { InteractionChannel, InteractionKind, InteractionOutcome } from './service-history.enums';

@ObjectType({ implements: Node, description: 'One contact between the bank and a customer, on any channel.' })
export class Interaction implements Node {
  @Field(() => ID)
  id: string;

  @Field(() => DateTimeScalar)
  occurredAt: Date;

  @Field(() => InteractionChannel)
  channel: string;

  @Field(() => InteractionKind)
  kind: string;

  @Field(() => InteractionOutcome, { nullable: true })
  outcome: string | null;

  @Field(() => String, { nullable: true, description: 'Staff reference of who handled it.' })
  staffRef: string | null;

  @Field(() => ProductType, { nullable: true, description: 'The product it was about, if any.' })
  productType: string | null;

  @Field(() => String, { nullable: true })
  note: string | null;

  @Field({ description: 'The system it came from ("fattail-api" when recorded here without a source key).' })
  sourceSystem: string;

  @Field({ description: 'Its key in that system: re-sending the same key updates instead of duplicating.' })
  sourceKey: string;

  @Field(() => DateTimeScalar, { description: 'When Fattail last wrote it.' })
  recordedAt: Date;
}
