/**
 * Meta's error vocabulary. Rules return a GraphErrorSpec (a value, not an exception); the HTTP
 * layer turns it into Meta's body `{ error: { message, type, code, error_subcode?, error_data?,
 * fbtrace_id } }` with a fresh fbtrace_id.
 */
export interface GraphErrorSpec {
  status: number;
  code: number;
  type: string;
  message: string;
  subcode?: number;
  data?: Record<string, unknown>;
  transient?: boolean;
}

export interface GraphErrorBody {
  error: {
    message: string;
    type: string;
    code: number;
    error_subcode?: number;
    error_data?: Record<string, unknown>;
    is_transient?: boolean;
    fbtrace_id: string;
  };
}

export function toErrorBody(spec: GraphErrorSpec, fbtraceId: string): GraphErrorBody {
  return {
    error: {
      message: spec.message,
      type: spec.type,
      code: spec.code,
      ...(spec.subcode !== undefined ? { error_subcode: spec.subcode } : {}),
      ...(spec.data !== undefined ? { error_data: spec.data } : {}),
      ...(spec.transient !== undefined ? { is_transient: spec.transient } : {}),
      fbtrace_id: fbtraceId,
    },
  };
}

export function oauthError(message: string, code = 190, subcode?: number): GraphErrorSpec {
  return { status: 400, code, type: 'OAuthException', message, subcode };
}

/** Code 100, "Invalid parameter": Meta's answer to anything malformed in a request. */
export function invalidParameter(message: string, subcode?: number): GraphErrorSpec {
  return { status: 400, code: 100, type: 'OAuthException', message: `(#100) ${message}`, subcode };
}

export function missingAccessToken(): GraphErrorSpec {
  return oauthError('An access token is required to request this resource.');
}

export function invalidAccessToken(): GraphErrorSpec {
  return oauthError('Invalid OAuth access token - Cannot parse access token');
}

export function invalidAppsecretProof(): GraphErrorSpec {
  return oauthError('Invalid appsecret_proof provided in the API argument', 100);
}

export function missingAppsecretProof(): GraphErrorSpec {
  return oauthError('API calls from the server require an appsecret_proof argument', 100);
}

/** What Meta says when a token cannot see the object (another Page, another ad account, unknown id). */
export function objectNotAccessible(method: string, id: string): GraphErrorSpec {
  return {
    status: 400,
    code: 100,
    type: 'GraphMethodException',
    subcode: 33,
    message: `Unsupported ${method.toLowerCase()} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
  };
}

export function unknownPath(path: string): GraphErrorSpec {
  return { status: 400, code: 2500, type: 'OAuthException', message: `Unknown path components: ${path}` };
}

export function transientError(): GraphErrorSpec {
  return {
    status: 500,
    code: 2,
    type: 'OAuthException',
    message: 'An unexpected error has occurred. Please retry your request later.',
    transient: true,
  };
}

/**
 * `(#1200) Temporary send message failure`: a 4xx whose `is_transient: true` says "try again"
 * (Messenger Platform error codes: https://developers.facebook.com/documentation/business-messaging/messenger-platform/error-codes).
 */
export function temporarySendFailure(): GraphErrorSpec {
  return {
    status: 400,
    code: 1200,
    subcode: 2018024,
    type: 'OAuthException',
    message: '(#1200) Temporary send message failure. Please try again later.',
    transient: true,
  };
}

/** Application-level throttle (code 4), used for endpoints without a more specific limit. */
export function applicationRateLimit(): GraphErrorSpec {
  return { status: 400, code: 4, type: 'OAuthException', message: '(#4) Application request limit reached', transient: true };
}

/** The Send API's own limit (about 300 calls/s per Page). */
export function sendApiRateLimit(): GraphErrorSpec {
  return { status: 400, code: 613, type: 'OAuthException', message: '(#613) Calls to this api have exceeded the rate limit.' };
}

// --- Send API (Messenger Platform) ---

export function outsideWindow(): GraphErrorSpec {
  return {
    status: 400,
    code: 10,
    type: 'OAuthException',
    subcode: 2018278,
    message: '(#10) This message is sent outside of allowed window.',
  };
}

export function noMatchingUser(): GraphErrorSpec {
  return invalidParameter('No matching user found', 2018001);
}

export function personUnavailable(): GraphErrorSpec {
  return { status: 400, code: 551, type: 'OAuthException', subcode: 1545041, message: "(#551) This person isn't available right now." };
}

export function deprecatedTag(tag: string): GraphErrorSpec {
  return invalidParameter(`The message tag ${tag} is deprecated. Use HUMAN_AGENT or send a marketing message.`);
}

export function duplicateOptinTitle(): GraphErrorSpec {
  return {
    status: 400,
    code: 613,
    type: 'OAuthException',
    subcode: 1893016,
    message: '(#613) An opt-in request with the same title was already sent to this person in the last 7 days.',
  };
}

export function tooManyOptinRequests(): GraphErrorSpec {
  return {
    status: 400,
    code: 9,
    type: 'OAuthException',
    subcode: 2018352,
    message: '(#9) Too many opt-in requests were sent to this person.',
  };
}

export function pageRestrictedFromOptins(): GraphErrorSpec {
  return {
    status: 400,
    code: 10,
    type: 'OAuthException',
    subcode: 1404170,
    message: '(#10) This Page is restricted from sending opt-in requests.',
  };
}

// --- Marketing Message API for Messenger (namespace MARKETING_MESSAGES_DIRECT) ---

/** Subcodes the sandbox can answer, with the text of Meta's tables. */
export const MARKETING_ERRORS = {
  2300000: 'Campaign is not active.',
  2300001: 'Invalid message id: the marketing message campaign does not exist or cannot be loaded.',
  2300003: 'Message is not active: the campaign is still being populated and is not ready to send.',
  2300004: 'The subscription token cannot be loaded.',
  2300005: 'The subscription token belongs to another Page.',
  2300015: 'The campaign has reached its lifetime budget.',
  2300034: 'The subscriber has stopped marketing messages.',
  2300035: 'This subscription token already received a marketing message recently; wait until next_eligible_time.',
  2300036: 'The recipient cannot receive messages right now.',
  2300037: 'The subscription token has expired.',
  2300038: 'The message contains a placeholder that cannot be resolved.',
  2300042: "Frequency cap: this person's marketing messages outweigh their organic conversations. Do not retry soon.",
  2300052: 'This person is not available right now.',
  2300054: 'The campaign has reached its daily budget; sending resumes the next day.',
  2300055: 'Pacing: the campaign is sending too fast; retry after remaining_seconds.',
  2300078: 'Rate limit reached for marketing message sends.',
  2300079: 'Rate limit reached for marketing message campaign creation.',
  2300080: 'Rate limit reached for subscription token queries.',
} as const;

export type MarketingErrorSubcode = keyof typeof MARKETING_ERRORS;

/** Throttling subcodes answer HTTP 429 with code 613; everything else HTTP 400 with code 100. */
const THROTTLE_SUBCODES: ReadonlySet<MarketingErrorSubcode> = new Set<MarketingErrorSubcode>([2300078, 2300079, 2300080]);

export function marketingError(subcode: MarketingErrorSubcode, data?: Record<string, unknown>, detail?: string): GraphErrorSpec {
  const throttle = THROTTLE_SUBCODES.has(subcode);
  const text = detail === undefined ? MARKETING_ERRORS[subcode] : `${MARKETING_ERRORS[subcode]} ${detail}`;
  return {
    status: throttle ? 429 : 400,
    code: throttle ? 613 : 100,
    type: 'OAuthException',
    subcode,
    message: `(#${throttle ? 613 : 100}) ${text}`,
    data,
  };
}
