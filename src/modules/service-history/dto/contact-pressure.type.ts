import { Field, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../../../graphql/scalars';
import { ContactDecisionReason } from './service-history.enums';

@ObjectType({ description: 'How much the bank has been contacting this customer. A contact is any interaction.' })
export class ContactPressure {
  @Field(() => Int, { description: 'Marketing contacts in the last 30 days (rolling, 24-hour days).' })
  marketingContacts30d: number;

  @Field(() => Int)
  marketingContacts90d: number;

  @Field(() => DateTimeScalar, { nullable: true })
  lastContactAt: Date | null;

  @Field(() => Int, { nullable: true, description: 'Whole days since the last contact; null when never contacted.' })
  daysSinceLastContact: number | null;

  @Field({ description: 'More marketing contacts in the policy window than the contact policy allows.' })
  overContacted: boolean;
}

@ObjectType({ description: 'Whether the contact policy allows a marketing contact now, and why (not).' })
export class ContactDecision {
  @Field()
  allowed: boolean;

  @Field(() => ContactDecisionReason, { description: 'WITHIN_POLICY when allowed; otherwise the first rule that blocks.' })
  reason: string;

  @Field()
  message: string;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When it becomes allowed if nothing else happens; null when allowed now or never.' })
  allowedFrom: Date | null;
}
