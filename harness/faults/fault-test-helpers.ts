import type { Delivery, Schedule } from '../schedule/schedule.ts';

/** Every delivery of a schedule in order, with the index of the step it belongs to. */
export function flatDeliveries(schedule: Schedule): Array<Delivery & { step: number }> {
  return schedule.steps.flatMap((s, step) =>
    s.kind === 'send' ? [{ ...s.delivery, step }] : s.deliveries.map((d) => ({ ...d, step })),
  );
}

/** How many deliveries each exchange gets. */
export function deliveryCounts(schedule: Schedule): Map<number, number> {
  const counts = new Map<number, number>();
  for (const d of flatDeliveries(schedule)) counts.set(d.exchange, (counts.get(d.exchange) ?? 0) + 1);
  return counts;
}
