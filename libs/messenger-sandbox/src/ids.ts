import { randomBytes, randomUUID } from 'node:crypto';

/**
 * Every identifier the sandbox hands out. Tokens are opaque random strings like Meta's; numeric
 * object ids (campaigns) count up so they stay unique and readable in logs.
 */
export class IdSource {
  private nextCampaign = 120_210_000_000_001;

  messageId(): string {
    return `m_${randomBytes(24).toString('base64url')}`;
  }

  trackingId(): string {
    return randomUUID();
  }

  campaignId(): string {
    return String(this.nextCampaign++);
  }

  fbtraceId(): string {
    return randomBytes(8).toString('base64url');
  }

  /** 33 random bytes give 44 characters: opaque and well over the promised 32. */
  subscriptionToken(): string {
    return randomBytes(TOKEN_BYTES).toString('base64url');
  }

  /** Many tokens from one random draw: bulk creation of a million tokens stays fast. */
  subscriptionTokens(count: number): string[] {
    const pool = randomBytes(TOKEN_BYTES * count);
    const tokens = new Array<string>(count);
    for (let i = 0; i < count; i++) {
      tokens[i] = pool.toString('base64url', i * TOKEN_BYTES, (i + 1) * TOKEN_BYTES);
    }
    return tokens;
  }
}

const TOKEN_BYTES = 33;
