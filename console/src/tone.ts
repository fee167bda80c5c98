import type { CSSProperties } from 'react';

/**
 * Tag colours dark enough on their pale backgrounds for WCAG AA contrast (4.5:1), which Ant Design's
 * preset tag colours are not.
 */
const TONES: Record<string, CSSProperties> = {
  green: { color: '#135200', background: '#f6ffed', borderColor: '#95de64' },
  orange: { color: '#873800', background: '#fff7e6', borderColor: '#ffc069' },
  red: { color: '#a8071a', background: '#fff1f0', borderColor: '#ff7875' },
  blue: { color: '#003eb3', background: '#e6f4ff', borderColor: '#69b1ff' },
  default: {},
};

export const tone = (name: string | undefined): CSSProperties => TONES[name ?? 'default'] ?? {};
