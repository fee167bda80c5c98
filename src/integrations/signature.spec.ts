import { signPayload, verifySignature } from './signature';

describe('endpoint request signatures', () => {
  const secret = 'mmwhsec_test';
  const body = '{"id":"e1"}';
  // printf '%s' '1780000000.{"id":"e1"}' | openssl dgst -sha256 -hmac 'mmwhsec_test'
  const fromOpenssl = 'v1=cf1eab41703b6fb181e48178c71bcf98407fc273268a2be1474dabebd60a361d';

  it('is the HMAC-SHA256 of "<timestamp>.<raw body>", as openssl computes it', () => {
    expect(signPayload(secret, 1780000000, body)).toBe(fromOpenssl);
  });

  it('verifies within five minutes of the timestamp, and refuses a replay after', () => {
    const headers = { timestamp: '1780000000', signature: fromOpenssl };
    expect(verifySignature(secret, headers, body, 1780000000 + 300)).toBe(true);
    expect(verifySignature(secret, headers, body, 1780000000 + 301)).toBe(false);
    expect(verifySignature(secret, headers, body, 1780000000 - 301)).toBe(false);
  });

  it('refuses another body, another secret, or a missing or malformed header', () => {
    const headers = { timestamp: '1780000000', signature: fromOpenssl };
    expect(verifySignature(secret, headers, '{"id":"e2"}', 1780000000)).toBe(false);
    expect(verifySignature('mmwhsec_other', headers, body, 1780000000)).toBe(false);
    expect(verifySignature(secret, { ...headers, timestamp: undefined }, body, 1780000000)).toBe(false);
    expect(verifySignature(secret, { ...headers, timestamp: '1780000000.5' }, body, 1780000000)).toBe(false);
    expect(verifySignature(secret, { ...headers, signature: fromOpenssl.slice(0, -1) }, body, 1780000000)).toBe(false);
  });
});
