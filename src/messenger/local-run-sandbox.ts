import type { SettingsInput } from '../../libs/messenger-sandbox/src/control-types';

/**
 * The bundled sandbox of `npm start` (no Meta credentials) behaves as Meta does for a live campaign:
 * after each accepted marketing send it posts the echo, the delivery and a read webhook
 * (docs/meta-platform.md §5), so a campaign's `delivered` and `read` move in the local run as they
 * would for a shop. Tests start the sandbox with these off and post each webhook when they mean to.
 */
export const LOCAL_RUN_SANDBOX_SETTINGS: SettingsInput = { marketingWebhooks: true, marketingReads: true };
