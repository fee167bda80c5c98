import {
  buildButtonTemplateMessage,
  buildGenericTemplateMessage,
  buildOptinRequestMessage,
  buildQuickRepliesMessage,
} from './message-builders';
import { sendMarketingMessageRequest } from './marketing-api';
import { fitMetaText, META_TEXT_LIMITS, metaTextLength, requireMetaText } from './meta-text';

const FAMILY = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F466}'; // 👨‍👩‍👧‍👦: 7 code points, 11 UTF-16 units
const FLAGS = '\u{1F1FB}\u{1F1F3}\u{1F1F5}\u{1F1ED}'; // 🇻🇳🇵🇭: 4 code points, 8 units
const THUMBS_MEDIUM = '\u{1F44D}\u{1F3FD}'; // 👍🏽: 4 units

describe('metaTextLength: UTF-16 code units of the NFC form', () => {
  it('counts a ZWJ family as 11, two flags as 8, a skin-toned emoji as 4', () => {
    expect(metaTextLength(FAMILY)).toBe(11);
    expect(metaTextLength(FLAGS)).toBe(8);
    expect(metaTextLength(THUMBS_MEDIUM)).toBe(4);
  });

  it('counts decomposed Vietnamese as its composed form', () => {
    const nfc = 'Hàng mới về cho cả nhà: áo dài, nón lá, đồ ăn ngon';
    const nfd = nfc.normalize('NFD');
    expect(nfd.length).toBeGreaterThan(nfc.length);
    expect(metaTextLength(nfd)).toBe(nfc.length);
    expect(requireMetaText('title', nfd, 65)).toBe(nfc);
  });

  it('counts 330 emoji as 660, over the 640 of a marketing text and of a step text alike', () => {
    const text = '\u{1F389}'.repeat(330);
    expect(metaTextLength(text)).toBe(660);
    expect(() => requireMetaText('text', text, META_TEXT_LIMITS.marketingText)).toThrow(/got 660/);
    expect(() => requireMetaText('text', text, META_TEXT_LIMITS.templateText)).toThrow(RangeError);
    expect(requireMetaText('text', '\u{1F389}'.repeat(320), META_TEXT_LIMITS.marketingText)).toHaveLength(640);
  });
});

describe('fitMetaText', () => {
  it('cuts at a grapheme boundary, never inside a ZWJ sequence, a flag or a letter with its marks', () => {
    const text = `Chào ${FAMILY}${FLAGS} Việt`.normalize('NFD');
    const split = (x: string): string[] => [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(x)].map((g) => g.segment);
    const whole = split(text.normalize('NFC'));
    for (let max = 1; max <= metaTextLength(text); max++) {
      const cut = fitMetaText(text, max);
      expect(metaTextLength(cut)).toBeLessThanOrEqual(max);
      expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/); // no lone surrogate
      const kept = split(cut.endsWith('…') ? cut.slice(0, -1) : cut);
      expect(kept).toEqual(whole.slice(0, kept.length));
    }
    expect(fitMetaText(`ab${FAMILY}`, 12)).toBe('ab…');
    expect(fitMetaText('Hàng mới về'.normalize('NFD'), 11)).toBe('Hàng mới về');
  });
});

describe('the builders measure with the same rule', () => {
  it('refuses an opt-in title of 61 code points that is 69 UTF-16 units, and sends a fitting one in NFC', () => {
    const tooLong = `${'Hàng mới về cho cả nhà '.padEnd(50, '!')}${FAMILY}${FLAGS}`;
    expect([...tooLong].length).toBe(61);
    expect(() => buildOptinRequestMessage({ title: tooLong, payload: 'p' })).toThrow(/opt-in title must be 1 to 65 .*got 69/);
    const fits = `${'Hàng mới về'.normalize('NFD')} ${FAMILY}${FLAGS}`;
    const built = buildOptinRequestMessage({ title: fits, payload: 'p' }) as { attachment: { payload: { title: string } } };
    expect(built.attachment.payload.title).toBe(fits.normalize('NFC'));
  });

  it('checks quick reply, button and card texts, naming the field', () => {
    const longTitle = `Mua ngay ${THUMBS_MEDIUM}${THUMBS_MEDIUM}${THUMBS_MEDIUM}`; // 9 + 12 = 21 units
    expect(() => buildQuickRepliesMessage('Pick one', [{ title: longTitle, payload: 'P' }])).toThrow(/quick_replies\.0\.title/);
    expect(() => buildButtonTemplateMessage('Hi', [{ type: 'postback', title: longTitle, payload: 'P' }])).toThrow(/buttons\.0\.title/);
    expect(() => buildGenericTemplateMessage([{ title: 'x'.repeat(81) }])).toThrow(/elements\.0\.title/);
    expect(() => buildButtonTemplateMessage('x'.repeat(641), [{ type: 'postback', title: 'Ok', payload: 'P' }])).toThrow(/text/);
  });

  it('the marketing request refuses a text over 640 units', () => {
    expect(() =>
      sendMarketingMessageRequest('t', '1', { messageCampaignId: 'c', subscriptionToken: 's', message: { text: '\u{1F389}'.repeat(330) } }),
    ).toThrow(/marketing text .* got 660/);
  });
});
