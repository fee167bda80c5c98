/**
 * Access tokens, appsecret_proof and subscription tokens must never reach a log line or a returned
 * error: URLs are logged only through `redactUrl`, texts from Meta or the network only through
 * `redactText`.
 */
export const REDACTED = '[redacted]';

const SECRET_QUERY_PARAMS = new Set(['access_token', 'appsecret_proof', 'subscription_token', 'input_token', 'client_secret']);

/** Graph access tokens start with EAA; caught even when nobody told us the exact string. */
const ACCESS_TOKEN_SHAPE = /\bEAA[A-Za-z0-9]{20,}/g;

export const redactUrl = (url: string): string => {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return redactText(url, []);
  }
  for (const key of [...parsed.searchParams.keys()]) {
    if (SECRET_QUERY_PARAMS.has(key)) parsed.searchParams.set(key, REDACTED);
  }
  // URLSearchParams percent-encodes the brackets; keep the placeholder readable in logs.
  return parsed.toString().split(encodeURIComponent(REDACTED)).join(REDACTED);
};

export const redactText = (text: string, secrets: readonly string[]): string => {
  let out = text;
  for (const secret of secrets) {
    if (secret.length > 0) out = out.split(secret).join(REDACTED);
  }
  return out.replace(ACCESS_TOKEN_SHAPE, REDACTED);
};
