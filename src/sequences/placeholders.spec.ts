import { placeholderValues, renderText, unknownPlaceholders } from './placeholders';
import { renderContent } from './step-content';

const EN_PH = { locale: 'en-PH', currency: 'PHP' };
const VI_VN = { locale: 'vi-VN', currency: 'VND' };

describe('placeholders', () => {
  const values = placeholderValues(
    {
      orderId: 'PO-1042',
      status: 'CONFIRMED',
      customerName: 'Maria',
      total: 125000,
      currency: 'PHP',
      items: [
        { name: 'Blue dress', quantity: 2 },
        { name: 'Straw hat', quantity: 1 },
      ],
    },
    EN_PH,
  );

  it("fills the order's fields", () => {
    expect(renderText('Hi {{customer.name}}, order {{ order.id }}: {{order.items}} = {{order.total}}', values)).toBe(
      'Hi Maria, order PO-1042: 2 × Blue dress, 1 × Straw hat = ₱1,250.00',
    );
  });

  it("writes the total in minor units the Page's way: vi-VN dong, and the shop's currency when the order names none", () => {
    const vnd = placeholderValues({ orderId: 'DH-77', status: 'CONFIRMED', total: 1250000 }, VI_VN);
    expect(renderText('Tổng: {{order.total}} ({{order.currency}})', vnd)).toBe('Tổng: 1.250.000\u00a0₫ (VND)');
    const fil = placeholderValues(
      { orderId: 'PO-9', status: 'CONFIRMED', total: 99950, currency: 'PHP' },
      { locale: 'fil-PH', currency: 'PHP' },
    );
    expect(renderText('Kabuuan: {{order.total}}', fil)).toBe('Kabuuan: ₱999.50');
    const usd = placeholderValues(
      { orderId: 'US-1', status: 'CONFIRMED', total: 1999, currency: 'USD' },
      { locale: 'en-US', currency: 'USD' },
    );
    expect(renderText('{{order.total}} {{order.currency}}', usd)).toBe('$19.99 USD');
  });

  it("names every placeholder it does not know, Meta's marketing ones included", () => {
    expect(unknownPlaceholders('{{order.id}} {{order.colour}} {{first_name}}')).toEqual(['order.colour', 'first_name']);
    expect(unknownPlaceholders('no placeholders, {single} braces')).toEqual([]);
  });

  it('renders missing fields as empty text and cuts a rendered button title to 20 characters', () => {
    const empty = placeholderValues({ orderId: '7', status: 'NEW' }, EN_PH);
    expect(renderText('[{{customer.name}}][{{order.total}}]', empty)).toBe('[][]');
    const rendered = renderContent(
      {
        type: 'button_template',
        text: 'Order {{order.id}}',
        buttons: [{ type: 'postback', title: 'Track {{order.items}}', payload: 'TRACK_{{order.id}}' }],
      },
      values,
    );
    expect(rendered).toEqual({
      type: 'button_template',
      text: 'Order PO-1042',
      buttons: [{ type: 'postback', title: 'Track 2 × Blue dres…', payload: 'TRACK_PO-1042' }],
    });
  });
});
