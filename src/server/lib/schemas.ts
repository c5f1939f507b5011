import { z } from 'zod';

/** A form sends '' for a field left blank or a select left on "All": it counts as absent. */
export const emptyToUndefined = (v: unknown) => (v === '' ? undefined : v);

const isCalendarDay = (s: string) => {
  const d = new Date(`${s}T00:00:00Z`);
  return s >= '0001-01-01' && !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
};

/**
 * A day as YYYY-MM-DD that exists in the calendar and that PostgreSQL stores (it has no year 0000: such a date
 * reaching the database was a 500). Invalid → the field's code `invalid_date`.
 */
export const calendarDate = () => z.iso.date().refine(isCalendarDay, { params: { code: 'invalid_date' }, message: 'Not a calendar day' });
