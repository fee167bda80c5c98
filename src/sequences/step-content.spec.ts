import { buildButtonTemplateMessage, buildTextMessage, metaTextLength } from '../../libs/graph-api/src';
import type { Placeholder } from './placeholders';
import { MAX_TEXT, renderContent } from './step-content';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const values = (items: string, name = 'Ana'): Record<Placeholder, string> => ({
  'order.id': 'SO-1',
  'order.status': 'confirmed',
  'order.total': '₱1,250.00',
  'order.currency': 'PHP',
  'order.items': items,
  'customer.name': name,
});

describe('renderContent fits rendered texts the way the builders measure them', () => {
  it('cuts an item list of emoji at a whole emoji, never leaving half a surrogate pair, and the builder sends it', () => {
    const content = renderContent({ type: 'text', text: '{{order.items}}' }, values('\u{1F389}'.repeat(400)));
    if (content.type !== 'text') throw new Error('unexpected step type');
    expect(content.text).not.toMatch(LONE_SURROGATE);
    expect(metaTextLength(content.text)).toBe(MAX_TEXT - 1);
    expect(content.text.endsWith('\u{1F389}…')).toBe(true);
    expect(() => buildTextMessage(content.text)).not.toThrow();
  });

  it('stores a decomposed customer name composed, and a button title over 20 units is cut to fit', () => {
    const content = renderContent(
      {
        type: 'button_template',
        text: 'Chào {{customer.name}}',
        buttons: [{ type: 'postback', title: '{{customer.name}}', payload: 'P' }],
      },
      values('', 'Nguyễn Thị Ánh \u{1F469}\u{1F3FD}\u200D\u{1F4BB}'.normalize('NFD')),
    );
    if (content.type !== 'button_template') throw new Error('unexpected step type');
    expect(content.text).toBe('Chào Nguyễn Thị Ánh \u{1F469}\u{1F3FD}\u200D\u{1F4BB}');
    expect(content.buttons[0]!.title).toBe('Nguyễn Thị Ánh …');
    expect(() => buildButtonTemplateMessage(content.text, content.buttons)).not.toThrow();
  });
});
