import { createHmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { invalidAccessToken, invalidAppsecretProof, missingAccessToken, missingAppsecretProof, type GraphErrorSpec } from './errors';
import { readString, type Params } from './http-io';
import type { Principal } from './model';
import type { SandboxState } from './state';

/** hex HMAC-SHA256 of the access token keyed with the app secret, as Graph expects in `appsecret_proof`. */
export function appsecretProof(accessToken: string, appSecret: string): string {
  return createHmac('sha256', appSecret).update(accessToken).digest('hex');
}

export function accessTokenOf(req: IncomingMessage, params: Params): string | undefined {
  const header = req.headers.authorization;
  if (header !== undefined && /^Bearer\s+/i.test(header)) return header.replace(/^Bearer\s+/i, '').trim();
  return readString(params, 'access_token');
}

/** Token first (190), then its proof (100): the order Graph checks them in. */
export function authenticate(
  state: SandboxState,
  appSecret: string,
  accessToken: string | undefined,
  proof: string | undefined,
): { principal: Principal } | { error: GraphErrorSpec } {
  if (accessToken === undefined) return { error: missingAccessToken() };
  const principal = state.principals.get(accessToken);
  if (principal === undefined) return { error: invalidAccessToken() };
  if (proof === undefined) return { error: missingAppsecretProof() };
  if (proof !== appsecretProof(accessToken, appSecret)) return { error: invalidAppsecretProof() };
  return { principal };
}
