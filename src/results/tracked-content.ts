import type { CampaignContent } from '../broadcasts/campaign-content';

/** One tracked link of a content: its index (in the redirect code), where it is, its title and its URL. */
export interface TrackedLink {
  index: number;
  /** `elements.0.buttons.1` or `elements.2.defaultAction` (the content's field path, as a 400 names it). */
  at: string;
  title: string | null;
  url: string;
}

/**
 * The content's links that go through the redirect, in a fixed order (card by card: the card's default
 * action, then its `web_url` buttons). Texts and images carry no button: nothing to track. Postback
 * buttons stay as they are (they do not leave Messenger).
 */
export function trackedLinks(content: CampaignContent): TrackedLink[] {
  if (content.type !== 'generic') return [];
  const links: TrackedLink[] = [];
  content.elements.forEach((card, i) => {
    if (card.defaultActionUrl !== undefined)
      links.push({ index: links.length, at: `elements.${i}.defaultAction`, title: null, url: card.defaultActionUrl });
    (card.buttons ?? []).forEach((button, j) => {
      if (button.type === 'web_url')
        links.push({ index: links.length, at: `elements.${i}.buttons.${j}`, title: button.title, url: button.url });
    });
  });
  return links;
}

/**
 * The content with every tracked link replaced by `redirect(index)` (same order as trackedLinks), for one
 * recipient. Meta receives only the redirect URL; the shop's URL is looked up when it is followed.
 */
export function withRedirects(content: CampaignContent, redirect: (index: number) => string): CampaignContent {
  if (content.type !== 'generic') return content;
  let next = 0;
  return {
    type: 'generic',
    elements: content.elements.map((card) => {
      const out = { ...card };
      if (card.defaultActionUrl !== undefined) out.defaultActionUrl = redirect(next++);
      if (card.buttons) out.buttons = card.buttons.map((b) => (b.type === 'web_url' ? { ...b, url: redirect(next++) } : b));
      return out;
    }),
  };
}
