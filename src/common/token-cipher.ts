import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const IV_BYTES = 12;

/** The id a stored value names its key by: 8 hex characters of the key's SHA-256 (not a secret, not the key). */
export const encryptionKeyId = (key: Buffer): string => createHash('sha256').update(key).digest('hex').slice(0, 8);

/**
 * AES-256-GCM for secrets at rest (Page tokens, system-user tokens, subscription tokens, webhook bodies).
 * Stored form: `v2.<keyId>.<iv>.<tag>.<ciphertext>`, base64url parts, always with the current key. The key
 * id lets the key rotate (ENCRYPTION_KEY_PREVIOUS, `cli encryption rotate`): values of a previous key stay
 * readable, and a value names the key it needs. The older form `v1.<iv>.<tag>.<ciphertext>` (no key id) is
 * read with the current key, then the previous ones.
 */
export class TokenCipher {
  private ivPool = Buffer.alloc(0);
  private ivOffset = 0;
  /** Id of the key new values are encrypted with. */
  readonly keyId: string;
  private readonly keys: Map<string, Buffer>;

  constructor(
    private readonly key: Buffer,
    previousKeys: readonly Buffer[] = [],
  ) {
    for (const k of [key, ...previousKeys]) if (k.length !== 32) throw new Error('TokenCipher needs 32-byte keys');
    this.keyId = encryptionKeyId(key);
    this.keys = new Map([...previousKeys, key].map((k) => [encryptionKeyId(k), k]));
  }

  /** Text, or its UTF-8 bytes as they came (a webhook body). */
  encrypt(plaintext: string | Buffer): string {
    const iv = this.nextIv();
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([
      typeof plaintext === 'string' ? cipher.update(plaintext, 'utf8') : cipher.update(plaintext),
      cipher.final(),
    ]);
    return ['v2', this.keyId, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  }

  /** Whether `stored` is encrypted with the current key (nothing left to rotate). */
  isCurrent(stored: string): boolean {
    return stored.startsWith(`v2.${this.keyId}.`);
  }

  /**
   * A fresh random 96-bit IV, cut from a pool filled 4 KB at a time: one call into the system's random
   * source for 341 IVs instead of one each (it was 4 % of the cost of storing a webhook delivery).
   */
  private nextIv(): Buffer {
    if (this.ivOffset + IV_BYTES > this.ivPool.length) {
      this.ivPool = randomBytes(IV_BYTES * 341);
      this.ivOffset = 0;
    }
    this.ivOffset += IV_BYTES;
    return this.ivPool.subarray(this.ivOffset - IV_BYTES, this.ivOffset);
  }

  /** Throws when the value is malformed or tampered with, or its key is not among this cipher's. */
  decrypt(stored: string): string {
    const parts = stored.split('.');
    if (parts[0] === 'v2' && parts.length === 5) {
      const key = this.keys.get(parts[1]!);
      if (!key)
        throw new Error(`stored secret is encrypted with key ${parts[1]}, which is neither ENCRYPTION_KEY nor ENCRYPTION_KEY_PREVIOUS`);
      return open(key, parts[2]!, parts[3]!, parts[4]!);
    }
    if (parts[0] === 'v1' && parts.length === 4) {
      // No key id: the current key first, then the previous ones (GCM's tag refuses a wrong key).
      for (const key of [this.key, ...[...this.keys.values()].filter((k) => k !== this.key)]) {
        try {
          return open(key, parts[1]!, parts[2]!, parts[3]!);
        } catch {
          continue;
        }
      }
      throw new Error('stored secret cannot be read with ENCRYPTION_KEY or ENCRYPTION_KEY_PREVIOUS');
    }
    throw new Error('stored secret has an unknown format');
  }
}

function open(key: Buffer, iv: string, tag: string, body: string): string {
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
}
