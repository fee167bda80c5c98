import type { MatchMode } from './entities/keyword-rule.entity';

/**
 * A text as keywords compare it: compatibility-decomposed (NFKD, so NFC and NFD input and full-width
 * letters agree), combining marks dropped (ế → e, ñ → n), Vietnamese đ/Đ → d (a letter of its own, not a
 * mark), lower-cased, every run of non-letters/digits made one space, trimmed. `KHUYẾN MÃI!`,
 * `khuyến mãi` in NFD and `Khuyen mai` all become `khuyen mai`.
 */
export function normaliseForMatch(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * Whether a normalised message matches a normalised phrase, on word boundaries: `is` the whole
 * message, `starts_with` its first words, `contains` any run of whole words ("sale" is not in "wholesale").
 */
export function phraseMatches(message: string, phrase: string, mode: MatchMode): boolean {
  if (phrase === '') return false;
  switch (mode) {
    case 'is':
      return message === phrase;
    case 'starts_with':
      return message === phrase || message.startsWith(`${phrase} `);
    case 'contains':
      return ` ${message} `.includes(` ${phrase} `);
  }
}

export interface MatchableRule {
  id: string;
  phrases: string[];
  matchMode: MatchMode;
  priority: number;
  isDefault: boolean;
  createdAt: Date;
}

/**
 * The one rule that answers a message: among the rules one of whose phrases matches, the highest
 * priority (the oldest on a tie); when none matches, the default rule (highest priority, oldest), if any.
 */
export function pickRule<R extends MatchableRule>(rules: readonly R[], text: string): R | undefined {
  const message = normaliseForMatch(text);
  const order = (a: R, b: R): number => b.priority - a.priority || a.createdAt.getTime() - b.createdAt.getTime();
  const matching = rules
    .filter((r) => !r.isDefault && r.phrases.some((p) => phraseMatches(message, normaliseForMatch(p), r.matchMode)))
    .sort(order);
  return matching[0] ?? rules.filter((r) => r.isDefault).sort(order)[0];
}
