import { DAY_MS, MINUTE_MS } from './clock';
import { decideWindow } from './messaging-window';
import type { Person } from './model';

const NOW = Date.UTC(2026, 10, 24);
const person = (fields: Partial<Person>): Person => ({ pageId: '1', psid: 'p', ...fields });

describe('decideWindow', () => {
  it('is closed for a person who never wrote', () => {
    expect(decideWindow(person({}), NOW, 'standard')).toEqual({ allowed: false });
  });

  it('is open until 24 h after the last message, closed at 24 h', () => {
    expect(decideWindow(person({ lastMessageAt: NOW - DAY_MS + 1 }), NOW, 'standard')).toEqual({ allowed: true, via: 'window' });
    expect(decideWindow(person({ lastMessageAt: NOW - DAY_MS }), NOW, 'standard')).toEqual({ allowed: false });
  });

  it('gives HUMAN_AGENT 7 days, but never opt-in requests', () => {
    const wroteThreeDaysAgo = person({ lastMessageAt: NOW - 3 * DAY_MS });
    expect(decideWindow(wroteThreeDaysAgo, NOW, 'human_agent')).toEqual({ allowed: true, via: 'human_agent' });
    expect(decideWindow(wroteThreeDaysAgo, NOW, 'optin_request')).toEqual({ allowed: false });
  });

  it('allows follow-ups after an opt-in tap only while some are left and 2 minutes have not passed', () => {
    const tapped = person({ followUpUntil: NOW + MINUTE_MS, followUpsLeft: 1 });
    expect(decideWindow(tapped, NOW, 'standard')).toEqual({ allowed: true, via: 'follow_up' });
    expect(decideWindow({ ...tapped, followUpsLeft: 0 }, NOW, 'standard')).toEqual({ allowed: false });
    expect(decideWindow(tapped, NOW + MINUTE_MS, 'standard')).toEqual({ allowed: false });
    expect(decideWindow(tapped, NOW, 'optin_request')).toEqual({ allowed: false });
  });
});
