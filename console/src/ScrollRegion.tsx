import type { ReactNode } from 'react';

/**
 * A wide table on a narrow screen: scrolls sideways in a region keyboard users can focus (axe's
 * scrollable-region-focusable), named for screen readers. Ant Design's own `scroll` is not focusable.
 */
export function ScrollRegion({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div role="region" aria-label={label} tabIndex={0} style={{ overflowX: 'auto', width: '100%' }}>
      {children}
    </div>
  );
}
