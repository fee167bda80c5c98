import { normaliseForMatch, phraseMatches, pickRule, type MatchableRule } from './keyword-match';

const rule = (over: Partial<MatchableRule> & Pick<MatchableRule, 'id'>): MatchableRule => ({
  phrases: [],
  matchMode: 'contains',
  priority: 0,
  isDefault: false,
  createdAt: new Date('2026-06-01T00:00:00Z'),
  ...over,
});

describe('keyword matching', () => {
  it('matches khuyến mãi written without accents, in capitals, in NFC and in NFD', () => {
    const phrase = normaliseForMatch('khuyến mãi');
    for (const text of ['Khuyen mai', 'KHUYẾN MÃI', 'Khuyến mãi'.normalize('NFC'), 'Khuyến mãi'.normalize('NFD'), 'khuyến mãi!!']) {
      expect(phraseMatches(normaliseForMatch(text), phrase, 'is')).toBe(true);
    }
  });

  it('folds Vietnamese đ/Đ to d, which no Unicode decomposition does', () => {
    expect(normaliseForMatch('ĐẶT HÀNG')).toBe('dat hang');
    expect(phraseMatches(normaliseForMatch('Dat hang ngay'), normaliseForMatch('đặt hàng'), 'starts_with')).toBe(true);
  });

  it('matches Tagalog and English the same way, on whole words only', () => {
    expect(phraseMatches(normaliseForMatch('Magkano po ang SALE?'), normaliseForMatch('sale'), 'contains')).toBe(true);
    expect(phraseMatches(normaliseForMatch('wholesale price'), normaliseForMatch('sale'), 'contains')).toBe(false);
    expect(phraseMatches(normaliseForMatch('Presyo po'), normaliseForMatch('presyo'), 'is')).toBe(false);
    expect(phraseMatches(normaliseForMatch('Presyo po'), normaliseForMatch('presyo'), 'starts_with')).toBe(true);
    expect(phraseMatches(normaliseForMatch('ang presyo'), normaliseForMatch('presyo'), 'starts_with')).toBe(false);
  });

  it('answers with the highest priority among matching rules, else the default rule, else nothing', () => {
    const rules = [
      rule({ id: 'low', phrases: ['sale'], priority: 1 }),
      rule({ id: 'high', phrases: ['big sale'], priority: 5 }),
      rule({ id: 'default', isDefault: true }),
    ];
    expect(pickRule(rules, 'Big SALE today?')?.id).toBe('high');
    expect(pickRule(rules, 'sale?')?.id).toBe('low');
    expect(pickRule(rules, 'hello')?.id).toBe('default');
    expect(pickRule(rules.slice(0, 2), 'hello')).toBeUndefined();
  });
});
