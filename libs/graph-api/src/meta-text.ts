/**
 * The one rule for the length of a text Meta receives, used by the message builders (send path) and by
 * the plugin's validation when a text is saved, so that what is accepted when saved can be sent.
 *
 * Unit: **UTF-16 code units of the NFC form** (JavaScript's `String.length` after
 * `normalize('NFC')`). Meta states its limits as "N characters" and the encoding as UTF-8
 * ("UTF-8-encoded text of up to 640 characters",
 * https://developers.facebook.com/documentation/business-messaging/messenger-platform/send-messages/template/button)
 * but never defines a character. Of the usual counts, UTF-16 code units is the largest
 * (code units ≥ code points ≥ grapheme clusters: 👍 is 2 units, 1 code point; 👨‍👩‍👧‍👦 is 11 units,
 * 7 code points, 1 grapheme; 🇻🇳 is 4 units, 2 code points), so a text within the limit in this unit
 * is within it whatever Meta counts. It is also what the bundled sandbox counts. NFC because that is
 * what we send: a Vietnamese title typed on a keyboard that produces decomposed letters (NFD, "e" +
 * U+0302 + U+0301) is one unit per letter once composed ("ế").
 */
export const metaTextLength = (text: string): number => text.normalize('NFC').length;

/** The composed (NFC) form every text is saved and sent in. */
export const normaliseMetaText = (text: string): string => text.normalize('NFC');

/**
 * Meta's limits, in the unit of `metaTextLength`, with the page that states each.
 * - `optinTitle` 65: the `notification_messages` template title,
 *   https://developers.facebook.com/docs/messenger-platform/marketing-messages
 * - `marketingText` 640: Marketing Message API text template,
 *   https://developers.facebook.com/docs/marketing-messages-on-messenger/api-reference/text
 * - `messageText` 2000: Send API `message.text`, https://developers.facebook.com/docs/messenger-platform/reference/send-api/
 * - `templateText` 640: button template text,
 *   https://developers.facebook.com/documentation/business-messaging/messenger-platform/send-messages/template/button
 * - `quickReplyTitle` 20, `quickReplyPayload` 1000:
 *   https://developers.facebook.com/documentation/business-messaging/messenger-platform/send-messages/quick-replies
 * - `buttonTitle` 20, `postbackPayload` 1000: https://developers.facebook.com/docs/messenger-platform/reference/buttons/postback
 * - `elementTitle` 80, `elementSubtitle` 80: generic template,
 *   https://developers.facebook.com/documentation/business-messaging/messenger-platform/send-messages/template/generic
 */
export const META_TEXT_LIMITS = {
  optinTitle: 65,
  marketingText: 640,
  messageText: 2000,
  templateText: 640,
  quickReplyTitle: 20,
  quickReplyPayload: 1000,
  buttonTitle: 20,
  postbackPayload: 1000,
  elementTitle: 80,
  elementSubtitle: 80,
} as const;

/** Why a text does not fit, or undefined when it does: "<field> must be 1 to <max> characters (got <n>)". */
export function metaTextProblem(field: string, text: string, max: number, min = 1): string | undefined {
  const length = metaTextLength(text);
  if (length >= min && length <= max) return undefined;
  return `${field} must be ${min} to ${max} characters, counted in UTF-16 code units after NFC (an emoji is 2 or more); got ${length}`;
}

/**
 * The text in NFC, or a RangeError naming the field when it is empty or over `max` (a caller bug: the
 * plugin refuses such texts when they are saved).
 */
export function requireMetaText(field: string, text: string, max: number, min = 1): string {
  const problem = metaTextProblem(field, text, max, min);
  if (problem !== undefined) throw new RangeError(problem);
  return normaliseMetaText(text);
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * The NFC text cut to at most `max` units at a grapheme boundary (never inside a surrogate pair, a
 * ZWJ sequence, a flag or a letter with its marks), ending with `ellipsis` when something was cut.
 * For texts filled in at send time (an order's item list), which must fit rather than fail.
 */
export function fitMetaText(text: string, max: number, ellipsis = '…'): string {
  const nfc = normaliseMetaText(text);
  if (nfc.length <= max) return nfc;
  const room = max - ellipsis.length;
  let out = '';
  for (const { segment } of graphemes.segment(nfc)) {
    if (out.length + segment.length > room) break;
    out += segment;
  }
  return `${out}${ellipsis}`;
}
