import { linkCode, newLinkSecret, parseLinkCode, verifyLinkCode } from './link-codes';
import { trackedLinks, withRedirects } from './tracked-content';
import { withUtm } from './utm';
import type { CampaignContent } from '../broadcasts/campaign-content';

describe('link codes', () => {
  it('name their delivery and link and verify only with the campaign secret', () => {
    const secret = newLinkSecret();
    const code = linkCode(secret, { deliveryId: '9007199254740993', linkIndex: 11 });
    const parsed = parseLinkCode(code)!;
    expect(parsed).toMatchObject({ deliveryId: '9007199254740993', linkIndex: 11 });
    expect(verifyLinkCode(secret, parsed)).toBe(true);
    expect(verifyLinkCode(newLinkSecret(), parsed)).toBe(false);
  });

  it('refuse a code whose delivery or link was changed, or that is malformed', () => {
    const secret = newLinkSecret();
    const code = linkCode(secret, { deliveryId: '42', linkIndex: 0 });
    const [, , mac] = code.split('.');
    expect(verifyLinkCode(secret, parseLinkCode(`${(43).toString(36)}.0.${mac}`)!)).toBe(false);
    expect(verifyLinkCode(secret, parseLinkCode(`${(42).toString(36)}.1.${mac}`)!)).toBe(false);
    expect(parseLinkCode('not-a-code')).toBeUndefined();
    expect(parseLinkCode(`${code}x`)).toBeUndefined();
  });
});

describe('UTM parameters', () => {
  it('are added to the target, keeping its own parameters, fragment and any utm_* it already carries', () => {
    expect(withUtm('https://shop.test/p?id=7&utm_source=mine#top', { source: 'messenger', medium: 'mm', campaign: 'summer' })).toBe(
      'https://shop.test/p?id=7&utm_source=mine&utm_medium=mm&utm_campaign=summer#top',
    );
    expect(withUtm('https://shop.test/', null)).toBe('https://shop.test/');
  });
});

describe('tracked links', () => {
  const content: CampaignContent = {
    type: 'generic',
    elements: [
      {
        title: 'Dress',
        defaultActionUrl: 'https://shop.test/dress',
        buttons: [
          { type: 'postback', title: 'Ask', payload: 'ASK' },
          { type: 'web_url', title: 'Buy', url: 'https://shop.test/buy' },
        ],
      },
      { title: 'Bag', buttons: [{ type: 'web_url', title: 'See', url: 'https://shop.test/bag' }] },
    ],
  };

  it('are the default actions and web_url buttons, card by card, and are replaced in the same order', () => {
    expect(trackedLinks(content).map((l) => [l.index, l.at, l.url])).toEqual([
      [0, 'elements.0.defaultAction', 'https://shop.test/dress'],
      [1, 'elements.0.buttons.1', 'https://shop.test/buy'],
      [2, 'elements.1.buttons.0', 'https://shop.test/bag'],
    ]);
    const out = withRedirects(content, (i) => `https://mm.test/r/${i}`);
    expect(trackedLinks(out).map((l) => l.url)).toEqual(['https://mm.test/r/0', 'https://mm.test/r/1', 'https://mm.test/r/2']);
    expect(out.type === 'generic' && out.elements[0]!.buttons![0]).toEqual({ type: 'postback', title: 'Ask', payload: 'ASK' });
  });

  it('are none in a text', () => {
    expect(trackedLinks({ type: 'text', text: 'Hi https://shop.test' })).toEqual([]);
  });
});
