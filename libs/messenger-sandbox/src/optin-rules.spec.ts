import { DAY_MS } from './clock';
import { findUnresolvedPlaceholder } from './message-content';
import type { OptinRequestRecord } from './model';
import { checkOptinRequest } from './optin-rules';

const NOW = Date.UTC(2026, 10, 24);
const sent = (title: string, ageMs: number, imageUrl?: string): OptinRequestRecord => ({
  messageId: `m_${title}_${ageMs}`,
  title,
  payload: 'p',
  imageUrl,
  sentAt: NOW - ageMs,
});

describe('checkOptinRequest', () => {
  it('refuses the same title within 7 days and allows it at 7 days', () => {
    expect(checkOptinRequest('facebook', [sent('Deals', DAY_MS)], { title: 'Deals', payload: 'p' }, NOW)?.subcode).toBe(1893016);
    expect(checkOptinRequest('facebook', [sent('Deals', 7 * DAY_MS)], { title: 'Deals', payload: 'p' }, NOW)).toBeUndefined();
  });

  it('on Facebook ignores image_url; on Instagram the identity is title + image_url', () => {
    const history = [sent('Deals', DAY_MS, 'https://a')];
    const request = { title: 'Deals', payload: 'p', imageUrl: 'https://b' };
    expect(checkOptinRequest('facebook', history, request, NOW)?.subcode).toBe(1893016);
    expect(checkOptinRequest('instagram', history, request, NOW)).toBeUndefined();
  });

  it('on Instagram refuses a 6th request within 24 h', () => {
    const five = ['A', 'B', 'C', 'D', 'E'].map((title) => sent(title, 1000));
    expect(checkOptinRequest('instagram', five, { title: 'F', payload: 'p' }, NOW)?.subcode).toBe(2018352);
    expect(checkOptinRequest('instagram', five, { title: 'F', payload: 'p' }, NOW + DAY_MS)).toBeUndefined();
  });

  it('on Instagram refuses an 11th distinct title within 7 days', () => {
    const ten = 'ABCDEFGHIJ'.split('').map((title, i) => sent(title, (1 + (i % 5)) * DAY_MS));
    expect(checkOptinRequest('instagram', ten, { title: 'K', payload: 'p' }, NOW)?.subcode).toBe(2018352);
  });
});

describe('findUnresolvedPlaceholder', () => {
  it('accepts first_name, last_name and full_name and reports anything else', () => {
    expect(findUnresolvedPlaceholder({ text: 'Hi {{first_name}} {{ last_name }}, {{full_name}}' })).toBeUndefined();
    expect(findUnresolvedPlaceholder({ text: 'Code {{coupon}}' })).toBe('{{coupon}}');
  });
});
