import { placeholderValues, renderText, unknownPlaceholders } from './placeholders';
import { renderContent } from './step-content';

describe('placeholders', () => {
  const values = placeholderValues({
    orderId: 'PO-1042',
    status: 'CONFIRMED',
    customerName: 'Maria',
    total: 1250,
    currency: 'PHP',
    items: [
      { name: 'Blue dress', quantity: 2 },
      { name: 'Straw hat', quantity: 1 },
    ],
  });

  it("fills the order's fields", () => {
    expect(renderText('Hi {{customer.name}}, order {{ order.id }}: {{order.items}} = {{order.total}}', values)).toBe(
      'Hi Maria, order PO-1042: 2 × Blue dress, 1 × Straw hat = ₱1,250.00',
    );
  });

  it("names every placeholder it does not know, Meta's marketing ones included", () => {
    expect(unknownPlaceholders('{{order.id}} {{order.colour}} {{first_name}}')).toEqual(['order.colour', 'first_name']);
    expect(unknownPlaceholders('no placeholders, {single} braces')).toEqual([]);
  });

  it('renders missing fields as empty text and cuts a rendered button title to 20 characters', () => {
    const empty = placeholderValues({ orderId: '7', status: 'NEW' });
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
