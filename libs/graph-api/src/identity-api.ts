import { adAccountSegment, type GraphRequest } from './graph-request';
import { asNumber, asRecord, asString } from './json';
import type { AdAccountAccess, TokenIdentity } from './types';

/**
 * `GET /me?fields=id,name`: the node the access token speaks for. `/me` is the Graph API's alias for
 * "the object whose token is used", so with a Page access token it is that Page and `id` is the Page id
 * (Graph API reference, Page node, fields `id` and `name`:
 * https://developers.facebook.com/docs/graph-api/reference/page/ ; `/me` as the token's own node:
 * https://developers.facebook.com/docs/graph-api/overview#me). An invalid or expired token answers
 * code 190 (`auth_invalid`).
 */
export const tokenIdentityRequest = (accessToken: string): GraphRequest<TokenIdentity> => ({
  method: 'GET',
  path: '/me',
  accessToken,
  query: { fields: 'id,name' },
  repeatable: true,
  readResponse: (body) => {
    const record = asRecord(body);
    const id = asString(record?.id);
    return id === undefined ? undefined : { id, name: asString(record?.name) ?? '' };
  },
});

/**
 * `GET /act_<AD_ACCOUNT_ID>?fields=id,account_status,currency` with the system-user token: succeeds
 * only when that token may use the ad account (Marketing API, Ad Account reference:
 * https://developers.facebook.com/docs/marketing-api/reference/ad-account/). A token without access
 * answers code 100 subcode 33 ("does not exist, cannot be loaded due to missing permissions"), an invalid
 * token code 190. `account_status` is Meta's number (1 ACTIVE, 2 DISABLED, 3 UNSETTLED, ...).
 */
export const adAccountAccessRequest = (systemUserToken: string, adAccountId: string): GraphRequest<AdAccountAccess> => ({
  method: 'GET',
  path: `/${adAccountSegment(adAccountId)}`,
  accessToken: systemUserToken,
  query: { fields: 'id,account_status,currency' },
  repeatable: true,
  readResponse: (body) => {
    const record = asRecord(body);
    const id = asString(record?.id);
    const accountStatus = asNumber(record?.account_status);
    const currency = asString(record?.currency);
    if (id === undefined || accountStatus === undefined || currency === undefined) return undefined;
    return { id: id.replace(/^act_/, ''), accountStatus, currency };
  },
});
