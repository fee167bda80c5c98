import {
  buildButtonTemplateMessage,
  buildGenericTemplateMessage,
  buildOptinRequestMessage,
  buildQuickRepliesMessage,
  buildTextMessage,
  metaTextLength,
} from '../../libs/graph-api/src';
import { sendMarketingMessageRequest } from '../../libs/graph-api/src/marketing-api';
import { checkCampaignContent, toOutgoingMessage } from '../broadcasts/campaign-content';
import { CreateSequenceDto, stepContentOf } from '../sequences/dto/sequence.dto';
import type { Placeholder } from '../sequences/placeholders';
import { renderContent, type StepContent } from '../sequences/step-content';
import { CreateTopicDto } from '../topics/dto/topic.dto';
import { ValidationFailed } from './http-error.filter';
import { createValidationPipe } from './validation.pipe';

/**
 * Property: whatever the save path accepts (the API's ValidationPipe with the DTOs, or
 * checkCampaignContent), the send path (the Graph builders) builds without error. Texts mix Vietnamese
 * typed composed and decomposed, Tagalog, emoji with skin tones, ZWJ sequences and flags, at lengths
 * around each limit so that both sides of every limit are met. Seeded: a failure names its seed and case.
 */
const SEED = 20261129;
const CASES = 300;

/** mulberry32: a small, fast, seeded PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VIETNAMESE = ['Hàng', 'mới', 'về', 'Đồ', 'đẹp', 'giảm', 'giá', 'Tết', 'Nguyễn', 'khuyến', 'mãi', 'ưu', 'đãi', 'Phở', 'bánh', 'mì'];
const TAGALOG = ['Bagong', 'dating', 'ngayong', 'Pasko', 'salamat', 'po', 'Mabuhay', 'tindahan', 'libreng', 'padala', 'sale', 'na'];
const SKIN_TONES = ['\u{1F3FB}', '\u{1F3FC}', '\u{1F3FD}', '\u{1F3FE}', '\u{1F3FF}'];
const EMOJI = [
  '\u{1F389}', // 🎉
  '\u2764\uFE0F', // ❤️ with a variation selector
  '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F466}', // family (ZWJ)
  '\u{1F469}\u{1F3FD}\u200D\u{1F4BB}', // woman technologist, medium skin tone (ZWJ + modifier)
  '\u{1F3F3}\uFE0F\u200D\u{1F308}', // rainbow flag
  '\u{1F1FB}\u{1F1F3}', // 🇻🇳
  '\u{1F1F5}\u{1F1ED}', // 🇵🇭
];

function randomText(rand: () => number, targetUnits: number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const parts: string[] = [];
  let units = 0;
  while (units < targetUnits) {
    const r = rand();
    let part: string;
    if (r < 0.35) part = rand() < 0.5 ? pick(VIETNAMESE) : pick(VIETNAMESE).normalize('NFD');
    else if (r < 0.55) part = pick(TAGALOG);
    else if (r < 0.7)
      part = `\u{1F44D}${pick(SKIN_TONES)}`; // 👍 with a skin tone
    else if (r < 0.9) part = pick(EMOJI);
    else part = pick(['!', ',', '₫', '₱', '50%', ':']);
    parts.push(part);
    units += metaTextLength(part) + 1;
  }
  return parts.join(' ');
}

const VALUES: Record<Placeholder, string> = {
  'order.id': 'SO-1001',
  'order.status': 'confirmed',
  'order.total': '1.250.000 ₫',
  'order.currency': 'VND',
  'order.items': 'Áo dài x1',
  'customer.name': 'Nguyễn Thị Ánh'.normalize('NFD'),
};

const pipe = createValidationPipe();
async function saved<T>(metatype: new () => T, body: object): Promise<T | undefined> {
  try {
    return (await pipe.transform(body, { type: 'body', metatype })) as T;
  } catch (error) {
    if (error instanceof ValidationFailed) return undefined;
    throw error;
  }
}

/** Runs a send-path build; a failure names the seed, the case and the input that broke the property. */
function builds(seed: number, i: number, input: unknown, build: () => unknown): void {
  try {
    build();
  } catch (error) {
    throw new Error(`seed ${seed}, case ${i}: ${JSON.stringify(input)} was accepted but does not build: ${String(error)}`, {
      cause: error,
    });
  }
}

function buildStep(content: StepContent): void {
  switch (content.type) {
    case 'text':
      buildTextMessage(content.text);
      return;
    case 'quick_replies':
      buildQuickRepliesMessage(content.text, content.quickReplies);
      return;
    case 'button_template':
      buildButtonTemplateMessage(content.text, content.buttons);
      return;
    case 'generic_template':
      buildGenericTemplateMessage(content.elements);
      return;
    case 'optin':
    case 'flow':
      // No text of its own: the MM button's title is a topic's (tested above); a flow step hands over to the flow.
      return;
  }
}

describe(`what the save path accepts, the send path builds (seed ${SEED}, ${CASES} cases each)`, () => {
  it('topic titles: accepted ones are stored in NFC and build as opt-in requests', async () => {
    const rand = prng(SEED);
    let accepted = 0;
    for (let i = 0; i < CASES; i++) {
      const title = randomText(rand, 40 + Math.floor(rand() * 40));
      const dto = await saved(CreateTopicDto, { title });
      if (!dto) continue;
      accepted++;
      expect(dto.title).toBe(title.normalize('NFC'));
      builds(SEED, i, title, () => buildOptinRequestMessage({ title: dto.title, payload: 'mm:x' }));
    }
    // Both sides of the limit were met, or the property says nothing.
    expect(accepted).toBeGreaterThan(CASES / 10);
    expect(accepted).toBeLessThan(CASES * 0.9);
  });

  it('sequence texts, quick replies, buttons and cards: accepted steps render and build', async () => {
    const rand = prng(SEED + 1);
    let accepted = 0;
    for (let i = 0; i < CASES; i++) {
      const text = `${randomText(rand, 560 + Math.floor(rand() * 140))}${rand() < 0.3 ? ' {{customer.name}}' : ''}`;
      const short = randomText(rand, 12 + Math.floor(rand() * 14));
      const card = randomText(rand, 60 + Math.floor(rand() * 40));
      const steps = [
        { type: 'text', text },
        { type: 'quick_replies', text, quickReplies: [{ title: short, payload: `P_${i}` }] },
        { type: 'button_template', text, buttons: [{ type: 'postback', title: short, payload: card }] },
        {
          type: 'generic_template',
          elements: [{ title: card, subtitle: card, buttons: [{ type: 'web_url', title: short, url: 'https://shop.vn/a' }] }],
        },
      ];
      for (const step of steps) {
        const dto = await saved(CreateSequenceDto, { name: 'Đơn hàng', steps: [step] });
        if (!dto) continue;
        accepted++;
        const content = renderContent(stepContentOf(dto.steps[0]!), VALUES);
        builds(SEED + 1, i, step, () => buildStep(content));
      }
    }
    expect(accepted).toBeGreaterThan(CASES / 5);
    expect(accepted).toBeLessThan(CASES * 4 * 0.9);
  });

  it('campaign texts: accepted ones build as marketing sends, and are accepted exactly when a sequence text is', async () => {
    const rand = prng(SEED + 2);
    let accepted = 0;
    for (let i = 0; i < CASES; i++) {
      const text = randomText(rand, 560 + Math.floor(rand() * 140));
      const checked = checkCampaignContent({ type: 'text', text });
      const asStep = await saved(CreateSequenceDto, { name: 'x', steps: [{ type: 'text', text }] });
      // One rule: a campaign text and a step text of the same characters are counted the same way.
      expect('content' in checked).toBe(asStep !== undefined);
      if (!('content' in checked)) continue;
      accepted++;
      builds(SEED + 2, i, text, () =>
        sendMarketingMessageRequest('t', '1', {
          messageCampaignId: 'c',
          subscriptionToken: 's',
          message: toOutgoingMessage(checked.content),
        }),
      );
    }
    expect(accepted).toBeGreaterThan(CASES / 10);
    expect(accepted).toBeLessThan(CASES * 0.9);
  });
});
