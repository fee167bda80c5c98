import { useSyncExternalStore } from 'react';

const QUERY = '(prefers-reduced-motion: reduce)';

let media: MediaQueryList | undefined;
const reduceMotion = (): MediaQueryList => (media ??= window.matchMedia(QUERY));

function subscribe(onChange: () => void): () => void {
  reduceMotion().addEventListener('change', onChange);
  return () => reduceMotion().removeEventListener('change', onChange);
}

/**
 * Whether the user asked their system for less motion (CSS Media Queries 5, `prefers-reduced-motion`), kept
 * current when they change it. The console then turns Ant Design's animations off (`token.motion: false`):
 * no sliding dropdowns, no easing colours, no spinner that grows into a button (WCAG 2.3.3, Animation from
 * Interactions). It also spares a race of Ant Design's own: a Button whose `loading` ends while its spinner is
 * still growing can keep the collapsed spinner, so a screen reader hears "loading Save" after the save is done.
 */
export function usePrefersReducedMotion(): boolean {
  return useSyncExternalStore(subscribe, () => reduceMotion().matches);
}
