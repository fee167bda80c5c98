/**
 * One Graph call described as data, so each API file only says what to send and how to read the
 * answer, and the transport owns signing, retries, classification and redaction.
 */
export interface GraphRequest<T> {
  method: 'GET' | 'POST' | 'DELETE';
  /** Starts with '/', segments already URI-encoded; appended to the base URL (which holds the version). */
  path: string;
  accessToken: string;
  query?: Readonly<Record<string, string | number | boolean | undefined>>;
  body?: object;
  /**
   * False for calls that create or send: they are not repeated after a failure that may have
   * reached Meta, because the Graph API has no idempotency key for them.
   */
  repeatable: boolean;
  /** Secrets inside the body or query (subscription tokens) that must be scrubbed from errors and logs. */
  secrets?: readonly string[];
  /** The message tag sent, so a refused deprecated tag is reported as `tag_not_allowed`. */
  messageTag?: string;
  /** Reads a 2xx body; undefined means Meta answered in a shape we do not understand. */
  readResponse: (body: unknown) => T | undefined;
}

export const segment = (id: string): string => encodeURIComponent(id);

/** Ad account ids are accepted with or without the `act_` prefix. */
export const adAccountSegment = (adAccountId: string): string => `act_${segment(adAccountId.replace(/^act_/, ''))}`;

export const unixSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);
