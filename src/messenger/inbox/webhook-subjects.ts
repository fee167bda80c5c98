/**
 * The people (and Pages) a webhook delivery concerns, read at intake so that a decision can ask "is
 * anything acknowledged but not yet applied for this person?" before it reads state that delivery would
 * change (FreshState). Stored on the inbox row as `,id,id,…,` so one `INSTR(subjects, ',<id>,')` answers.
 *
 * It is a scan of the raw bytes for the id fields, not a parse: on the hot path it costs about a quarter
 * of a `JSON.parse` of the same body (a few µs for Meta's 10-event batches). The fields are the ones every
 * documented shape carries (https://developers.facebook.com/docs/messenger-platform/reference/webhook-events,
 * https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/standby,
 * and the marketing message webhooks of docs/meta-platform.md §5):
 * `sender.id` / `recipient.id` of `messaging` and `standby` items (Messenger and Instagram alike: the
 * PSID or IGSID and the Page or Instagram account), and `page_id` / `recipient_id` of the marketing
 * message `changes`. Collecting every id in those places over-approximates (a Page's own id is listed
 * too, an echo lists its recipient): an extra id only makes a decision look at a row it need not wait
 * for, a missing one would let it decide on stale state. Inside JSON strings quotes are escaped, so a
 * customer's text cannot forge a match.
 */
const ID_FIELDS = /"(?:sender|recipient)"\s*:\s*\{[^{}]*?"id"\s*:\s*"?([^",}\s\]]+)|"(?:recipient_id|page_id)"\s*:\s*"?([^",}\s\]]+)/g;

/** `,id,id,…,` for the ids named in the body (`,` when there are none). */
export function webhookSubjects(rawBody: Buffer): string {
  const text = rawBody.toString('latin1');
  const ids = new Set<string>();
  for (const match of text.matchAll(ID_FIELDS)) {
    const id = match[1] ?? match[2]!;
    if (id !== 'null') ids.add(id);
  }
  return ids.size === 0 ? ',' : `,${[...ids].join(',')},`;
}

/** The needle that finds a person's (or a Page's) deliveries in `subjects`. */
export const subjectProbe = (id: string): string => `,${id},`;
