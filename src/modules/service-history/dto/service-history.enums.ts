import { registerEnumType } from 'type-graphql';
import { CONTACT_DECISION_REASONS } from '../contact-policy';
import { FOLLOW_UP_STATUSES } from '../follow-up.entity';
import { INTERACTION_CHANNELS, INTERACTION_KINDS, INTERACTION_OUTCOMES } from '../interaction.entity';
import { TIMELINE_EVENT_KINDS } from '../timeline';

/** GraphQL enums built from the same value lists as the CHECK constraints and the pure code. */
function enumOf<T extends readonly string[]>(values: T): { [K in T[number]]: K } {
  return Object.fromEntries(values.map((v) => [v, v])) as { [K in T[number]]: K };
}

export const InteractionChannel = enumOf(INTERACTION_CHANNELS);
export const InteractionKind = enumOf(INTERACTION_KINDS);
export const InteractionOutcome = enumOf(INTERACTION_OUTCOMES);
export const TimelineEventKind = enumOf(TIMELINE_EVENT_KINDS);
export const FollowUpStatus = enumOf(FOLLOW_UP_STATUSES);
export const ContactDecisionReason = enumOf(CONTACT_DECISION_REASONS);

registerEnumType(InteractionChannel, { name: 'InteractionChannel', description: 'Where the bank and the customer were in contact.' });
registerEnumType(InteractionKind, { name: 'InteractionKind' });
registerEnumType(InteractionOutcome, { name: 'InteractionOutcome' });
registerEnumType(TimelineEventKind, {
  name: 'TimelineEventKind',
  description: 'Interaction kinds, then significant events from core banking, mobile banking and partners.',
});
registerEnumType(FollowUpStatus, { name: 'FollowUpStatus', description: 'OVERDUE: still open after its due time.' });
registerEnumType(ContactDecisionReason, { name: 'ContactDecisionReason' });
