import type { Priority } from '@quarterhour/domain';

/**
 * The BullMQ priority of an order's job. BullMQ runs jobs without a priority before
 * every prioritised one, and lower numbers first among those; so standard work gets a
 * number too, after elderly and child orders. Every queue that carries order work uses
 * it (API.md: priority orders are served first wherever the service queues work).
 */
export function jobPriority(priority: Priority): number {
  return priority === 'standard' ? 2 : 1;
}
