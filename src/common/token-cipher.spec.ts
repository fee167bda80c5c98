import { createCipheriv, randomBytes } from 'node:crypto';
import { encryptionKeyId, TokenCipher } from './token-cipher';

describe('TokenCipher', () => {
  const cipher = new TokenCipher(randomBytes(32));

  it('never reuses an IV, across many refills of its random pool', () => {
    const ivs = new Set(Array.from({ length: 2_000 }, () => cipher.encrypt('EAAG-page-token').split('.')[2]));
    expect(ivs.size).toBe(2_000);
  });

  it('gives back text, and the text of raw UTF-8 bytes, exactly', () => {
    expect(cipher.decrypt(cipher.encrypt('Cảm ơn bạn! Salamat po'))).toBe('Cảm ơn bạn! Salamat po');
    expect(cipher.decrypt(cipher.encrypt(Buffer.from('{"object":"page","text":"Mabuhay 🇵🇭"}')))).toBe(
      '{"object":"page","text":"Mabuhay 🇵🇭"}',
    );
  });

  it('refuses a stored value that was tampered with', () => {
    const stored = cipher.encrypt('secret');
    const [version, keyId, iv, tag, body] = stored.split('.');
    const flipped = Buffer.from(body!, 'base64url');
    flipped[0]! ^= 1;
    expect(() => cipher.decrypt([version, keyId, iv, tag, flipped.toString('base64url')].join('.'))).toThrow();
  });

  describe('during a key rotation', () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const before = new TokenCipher(oldKey);
    const during = new TokenCipher(newKey, [oldKey]);

    it('reads values of the previous key and writes new ones with the new key, naming it', () => {
      const old = before.encrypt('EAAG-old');
      expect(during.isCurrent(old)).toBe(false);
      expect(during.decrypt(old)).toBe('EAAG-old');
      const fresh = during.encrypt('EAAG-new');
      expect(fresh.startsWith(`v2.${encryptionKeyId(newKey)}.`)).toBe(true);
      expect(during.isCurrent(fresh)).toBe(true);
    });

    it('refuses, naming the key id, a value whose key it was not given', () => {
      const after = new TokenCipher(newKey);
      expect(() => after.decrypt(before.encrypt('EAAG-old'))).toThrow(`encrypted with key ${encryptionKeyId(oldKey)}`);
    });

    it('reads the older form without a key id with either key', () => {
      const v1 = (key: Buffer, text: string): string => {
        const iv = randomBytes(12);
        const c = createCipheriv('aes-256-gcm', key, iv);
        const body = Buffer.concat([c.update(text, 'utf8'), c.final()]);
        return ['v1', iv.toString('base64url'), c.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
      };
      expect(during.decrypt(v1(oldKey, 'old'))).toBe('old');
      expect(during.decrypt(v1(newKey, 'new'))).toBe('new');
      expect(() => new TokenCipher(randomBytes(32)).decrypt(v1(oldKey, 'old'))).toThrow('cannot be read');
    });
  });
});
