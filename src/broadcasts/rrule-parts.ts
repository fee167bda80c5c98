import { RRule } from 'rrule';

/** A part's value check: what is wrong with it, or undefined. */
type ValueCheck = (value: string) => string | undefined;

const WEEKDAY = /^(MO|TU|WE|TH|FR|SA|SU)$/;
const WEEKDAYS = 'MO, TU, WE, TH, FR, SA or SU';

/** Whole numbers from `min` (at least 1). */
const count =
  (min: number): ValueCheck =>
  (v) =>
    /^\d{1,9}$/.test(v) && Number(v) >= min ? undefined : `must be a whole number of ${min} or more`;

/** A list of whole numbers `min`…`max`, or, `signed`, ±`min`…±`max` (negative counts from the end). */
const numbers =
  (min: number, max: number, signed = false): ValueCheck =>
  (v) =>
    v.split(',').every((n) => (signed ? /^[+-]?\d{1,3}$/ : /^\d{1,3}$/).test(n) && Math.abs(Number(n)) >= min && Math.abs(Number(n)) <= max)
      ? undefined
      : `each value must be from ${min} to ${max}${signed ? ` or -${max} to -${min}` : ''}`;

/** BYDAY: weekdays, each optionally after an ordinal ±1…±53 (1MO: the first Monday, -1FR: the last Friday). */
const weekdays: ValueCheck = (v) =>
  v.split(',').every((d) => {
    const m = /^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/.exec(d);
    return m !== null && (m[1] === undefined || (Math.abs(Number(m[1])) >= 1 && Math.abs(Number(m[1])) <= 53));
  })
    ? undefined
    : `each day must be ${WEEKDAYS}, optionally after an ordinal from 1 to 53 or -53 to -1 (1MO: the first Monday, -1FR: the last Friday)`;

/** UNTIL: parsed by rrule, then read back, since rrule rolls an impossible date (20260230) over into the next month. */
const until: ValueCheck = (v) => {
  const wrong = 'must be a date (YYYYMMDD) or a date-time (YYYYMMDDTHHMMSSZ)';
  let date: Date | null | undefined;
  try {
    date = RRule.parseString(`UNTIL=${v}`).until;
  } catch {
    return wrong;
  }
  const back = date?.toISOString().replace(/[-:]|\.\d{3}Z$/g, '');
  return back !== undefined && back.startsWith(v.replace(/Z$/, '')) ? undefined : wrong;
};

/**
 * The rule parts of RFC 5545 §3.3.10 (https://www.rfc-editor.org/rfc/rfc5545#section-3.3.10) with the
 * value each may take. FREQ's value is the caller's to judge (which frequencies it allows).
 */
const PARTS: Record<string, ValueCheck> = {
  FREQ: () => undefined,
  UNTIL: until,
  COUNT: count(1),
  INTERVAL: count(1),
  BYSECOND: numbers(0, 60),
  BYMINUTE: numbers(0, 59),
  BYHOUR: numbers(0, 23),
  BYDAY: weekdays,
  BYMONTHDAY: numbers(1, 31, true),
  BYYEARDAY: numbers(1, 366, true),
  BYWEEKNO: numbers(1, 53, true),
  BYMONTH: numbers(1, 12),
  BYSETPOS: numbers(1, 366, true),
  WKST: (v) => (WEEKDAY.test(v) ? undefined : `must be ${WEEKDAYS}`),
};

/**
 * What is wrong with an RRULE value (upper case, without `RRULE:`) by RFC 5545's grammar, value ranges and
 * part combinations, one message per problem, each naming its part (`BYDAY=XX: each day must be …`); empty
 * when well formed. These are the checks the `rrule` library leaves to its caller: it reads `BYDAY=XX` as
 * a null day (and throws a TypeError when asked for a date), out-of-range numbers (BYMONTH=13, INTERVAL=0)
 * as a rule that never matches, a part given twice as its last value, and takes its own extensions
 * (BYEASTER, DTSTART). Whether the rule has a date at all is the caller's question.
 */
export function rruleProblems(text: string): string[] {
  const values = new Map<string, string>();
  const problems: string[] = [];
  for (const part of text.split(';')) {
    const m = /^([A-Z]+)=(.+)$/.exec(part);
    if (!m) {
      problems.push(part === '' ? 'has an empty part (;;)' : `"${part}" is not a NAME=VALUE part`);
      continue;
    }
    const name = m[1];
    const value = m[2];
    const check = PARTS[name];
    if (check === undefined) problems.push(`${name}: not an RFC 5545 rule part (${Object.keys(PARTS).join(', ')})`);
    else if (values.has(name)) problems.push(`${name}: given twice`);
    else {
      values.set(name, value);
      const wrong = check(value);
      if (wrong !== undefined) problems.push(`${name}=${value}: ${wrong}`);
    }
  }
  return problems.length > 0 ? problems : combinationProblems(values);
}

/** RFC 5545's rules on which parts go together (§3.3.10, the MUST / MUST NOT of each part). */
function combinationProblems(parts: Map<string, string>): string[] {
  const freq = parts.get('FREQ');
  const problems: string[] = [];
  if (freq === undefined) problems.push('FREQ: required (e.g. FREQ=WEEKLY)');
  if (parts.has('COUNT') && parts.has('UNTIL')) problems.push('COUNT and UNTIL: only one of them may be given');
  const ordinals = parts
    .get('BYDAY')
    ?.split(',')
    .some((d) => d.length > 2);
  if (ordinals && freq !== 'MONTHLY' && freq !== 'YEARLY')
    problems.push(`BYDAY=${parts.get('BYDAY')}: a day with an ordinal (1MO, -1FR) needs FREQ=MONTHLY or YEARLY`);
  if (ordinals && freq === 'YEARLY' && parts.has('BYWEEKNO')) problems.push('BYDAY: a day with an ordinal cannot go with BYWEEKNO');
  if (parts.has('BYMONTHDAY') && freq === 'WEEKLY') problems.push('BYMONTHDAY: cannot go with FREQ=WEEKLY');
  if (parts.has('BYYEARDAY') && (freq === 'DAILY' || freq === 'WEEKLY' || freq === 'MONTHLY'))
    problems.push(`BYYEARDAY: cannot go with FREQ=${freq}`);
  if (parts.has('BYWEEKNO') && freq !== 'YEARLY') problems.push('BYWEEKNO: needs FREQ=YEARLY');
  if (parts.has('BYSETPOS') && ![...parts.keys()].some((p) => p.startsWith('BY') && p !== 'BYSETPOS'))
    problems.push('BYSETPOS: needs another BY… part to pick from (e.g. BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1)');
  return problems;
}
