// Closing dates: the <input type="datetime-local"> value (local time, no zone)
// to and from the ISO 8601 instant with its zone that the API expects.

const pad = (n: number) => String(n).padStart(2, "0");

/** The local "YYYY-MM-DDTHH:MM" value for a date (what datetime-local shows). */
export function toLocalInput(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** A default closing date: `days` from now, at 18:00 local time. */
export function defaultDeadline(days = 7): string {
  const date = new Date();
  date.setDate(date.getDate() + days);
  date.setHours(18, 0, 0, 0);
  return toLocalInput(date);
}

/** The ISO instant (with its zone) for a datetime-local value, or null when it is not a valid date. */
export function deadlineToIso(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
