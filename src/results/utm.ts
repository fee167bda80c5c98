/**
 * UTM parameters a shop chooses for a campaign's tracked links (Google Analytics' campaign URL
 * parameters: https://support.google.com/analytics/answer/10917952). Each is optional.
 */
export interface UtmParameters {
  source?: string;
  medium?: string;
  campaign?: string;
  content?: string;
  term?: string;
}

export const UTM_KEYS = ['source', 'medium', 'campaign', 'content', 'term'] as const;

/**
 * The target URL with the campaign's UTM parameters added. A `utm_*` the link already carries is kept:
 * the shop wrote it into that link on purpose. Fragment and other parameters are untouched.
 */
export function withUtm(target: string, utm: UtmParameters | null): string {
  if (!utm) return target;
  const url = new URL(target);
  for (const key of UTM_KEYS) {
    const value = utm[key];
    if (value !== undefined && !url.searchParams.has(`utm_${key}`)) url.searchParams.set(`utm_${key}`, value);
  }
  return url.toString();
}
