import { randomBytes } from 'node:crypto';
import { TokenCipher } from './token-cipher';

describe('TokenCipher', () => {
  const cipher = new TokenCipher(randomBytes(32));

  it('never reuses an IV, across many refills of its random pool', () => {
    const ivs = new Set(Array.from({ length: 2_000 }, () => cipher.encrypt('EAAG-page-token').split('.')[1]));
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
    const [version, iv, tag, body] = stored.split('.');
    const flipped = Buffer.from(body!, 'base64url');
    flipped[0]! ^= 1;
    expect(() => cipher.decrypt([version, iv, tag, flipped.toString('base64url')].join('.'))).toThrow();
  });
});
