import { FollowUpStatus } from './follow-up.entity';

/** Completed wins; an open follow-up is OVERDUE once its due time has passed (due exactly now is still OPEN). */
export function followUpStatus(dueAt: Date, completedAt: Date | null, now: Date): FollowUpStatus {
  if (completedAt) return 'COMPLETED';
  return dueAt.getTime() < now.getTime() ? 'OVERDUE' : 'OPEN';
}
