import { DomainError } from './domain-error';
import { ValidationFailed } from './http-error.filter';
import { MAX_BODY_DEPTH, parseJsonBody } from './json-body';

const refusal = (raw: Buffer | string): unknown => {
  try {
    parseJsonBody(Buffer.isBuffer(raw) ? raw : Buffer.from(raw));
  } catch (error) {
    if (error instanceof ValidationFailed) return { fields: error.problems.map((p) => `${p.field}:${p.rule}`) };
    if (error instanceof DomainError) return { status: error.status, code: error.code };
    throw error;
  }
  return 'accepted';
};

describe('parseJsonBody', () => {
  it('parses a body nested exactly to the limit, brackets inside strings not counted', () => {
    const atLimit = '['.repeat(MAX_BODY_DEPTH) + ']'.repeat(MAX_BODY_DEPTH);
    expect(parseJsonBody(Buffer.from(atLimit))).toBeDefined();
    expect(parseJsonBody(Buffer.from(JSON.stringify({ text: '[[[[{{{{'.repeat(50), quote: 'a \\" [' })))).toMatchObject({
      quote: 'a \\" [',
    });
  });

  it('refuses one level deeper, in arrays or objects, before parsing', () => {
    expect(refusal('['.repeat(MAX_BODY_DEPTH + 1) + ']'.repeat(MAX_BODY_DEPTH + 1))).toEqual({ status: 400, code: 'body_too_deep' });
    expect(refusal('{"a":'.repeat(1_300) + '1' + '}'.repeat(1_300))).toEqual({ status: 400, code: 'body_too_deep' });
    // Unbalanced (not JSON at all) but deep: still refused by depth, never handed to the parser.
    expect(refusal('['.repeat(100_000))).toEqual({ status: 400, code: 'body_too_deep' });
  });

  it('names the field holding bytes that are not UTF-8, however deep', () => {
    const raw = Buffer.concat([Buffer.from('{"steps":[{"text":"ok"},{"text":"bad '), Buffer.from([0xc3, 0x28]), Buffer.from('"}]}')]);
    expect(refusal(raw)).toEqual({ fields: ['steps.1.text:utf8'] });
    expect(refusal(Buffer.from([0x7b, 0xff, 0x7d]))).toEqual({ fields: ['(body):utf8'] });
  });

  it('names the field holding a lone surrogate, and accepts a proper pair (an emoji)', () => {
    expect(refusal('{"title":"Flash \\ud83d sale"}')).toEqual({ fields: ['title:wellFormedUnicode'] });
    expect(refusal('{"order":{"items":[{"name":"\\udc00"}]}}')).toEqual({ fields: ['order.items.0.name:wellFormedUnicode'] });
    expect(parseJsonBody(Buffer.from('{"title":"Flash \\ud83d\\udd25 sale"}'))).toEqual({ title: 'Flash 🔥 sale' });
  });

  it('refuses what is not JSON', () => {
    expect(refusal('{"name": ')).toEqual({ status: 400, code: 'invalid_json' });
  });
});
