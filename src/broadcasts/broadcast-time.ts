/** Time arithmetic for broadcasts: recipients' local times and the one-message periods. */

const formatters = new Map<string, Intl.DateTimeFormat>();

export function isValidTimeZone(zone: string): boolean {
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
}

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** How far `zone`'s wall clock is ahead of UTC at `at`, in ms. */
function offsetMs(at: number, zone: string): number {
  const parts = Object.fromEntries(
    formatterFor(zone)
      .formatToParts(new Date(at))
      .map((p) => [p.type, p.value]),
  );
  const wall = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return wall - Math.floor(at / 1000) * 1000;
}

/**
 * The instant at which the wall clock of `zone` shows `date` (YYYY-MM-DD) `time` (HH:MM). In a DST gap
 * the time does not exist and the instant an hour later is used; in an overlap the first one.
 */
export function zonedTimeToUtc(date: string, time: string, zone: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  let guess = wall - offsetMs(wall, zone);
  const second = wall - offsetMs(guess, zone);
  if (second !== guess) guess = Math.min(guess, second);
  return new Date(guess);
}

/** The first instant anywhere on Earth shows `date` `time` (UTC+14, Line Islands): when a local-time campaign starts. */
export function earliestLocalInstant(date: string, time: string): Date {
  return zonedTimeToUtc(date, time, 'Pacific/Kiritimati');
}

/** Periods are aligned to the epoch, so every process computes the same start for an instant. */
export function periodStart(at: Date, periodHours: number): Date {
  const length = periodHours * 3_600_000;
  return new Date(Math.floor(at.getTime() / length) * length);
}

export function nextPeriodStart(at: Date, periodHours: number): Date {
  return new Date(periodStart(at, periodHours).getTime() + periodHours * 3_600_000);
}
