import { useQuery } from '@tanstack/react-query';
import { useEffect, useState, useSyncExternalStore } from 'react';
import { api, type Flow, type Page, type SandboxState, type Sequence, type Topic } from './api';

export { money } from './money';

/** The screen named by the URL hash (`#/topics`). */
export function useHashRoute(): string {
  return useSyncExternalStore(
    (cb) => {
      window.addEventListener('hashchange', cb);
      return () => window.removeEventListener('hashchange', cb);
    },
    () => window.location.hash.replace(/^#\/?/, '') || 'pages',
  );
}

const PAGE_KEY = 'mm.page';

/** The Page the screens work on, remembered across visits. */
export function useSelectedPage(pages: Page[] | undefined): [string | undefined, (id: string) => void] {
  const [id, setId] = useState<string | undefined>(() => localStorage.getItem(PAGE_KEY) ?? undefined);
  useEffect(() => {
    if (pages && pages.length && !pages.some((p) => p.id === id)) setId(pages[0]!.id);
  }, [pages, id]);
  return [
    pages?.some((p) => p.id === id) ? id : undefined,
    (next) => {
      localStorage.setItem(PAGE_KEY, next);
      setId(next);
    },
  ];
}

export const usePages = () => useQuery({ queryKey: ['pages'], queryFn: () => api<Page[]>('GET', '/pages') });
export const useTopics = (pageId: string) =>
  useQuery({ queryKey: ['topics', pageId], queryFn: () => api<Topic[]>('GET', `/pages/${pageId}/topics`) });
export const useSequences = (pageId: string) =>
  useQuery({ queryKey: ['sequences', pageId], queryFn: () => api<Sequence[]>('GET', `/pages/${pageId}/sequences`) });
export const useFlows = (pageId: string) =>
  useQuery({ queryKey: ['flows', pageId], queryFn: () => api<Flow[]>('GET', `/pages/${pageId}/flows`) });
export const useSandbox = () => useQuery({ queryKey: ['sandbox'], queryFn: () => api<SandboxState>('GET', '/sandbox') });
