import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { AbTest as SharedAbTest, Bucket, CampaignFigures, CampaignResults } from '../../src/results/results-shapes';
import { api, ApiError, type Campaign } from './api';

/**
 * The campaign results API as the console reads it. The answers' shapes are the server's own
 * (src/results/results-shapes.ts, imported type-only: nothing of it reaches the bundle). Every amount
 * is an integer in the currency's minor unit (ISO 4217): format it with `money()` (hooks.ts).
 */
export type {
  AbMetric,
  AbVariantFigures,
  Bucket,
  CampaignFigures,
  CampaignResults,
  FigureBucket,
  LinkClicks,
} from '../../src/results/results-shapes';

/** The campaign fields the results view needs beyond the list's (GET …/campaigns/:id). */
export interface CampaignDetail extends Campaign {
  pause: { reason: string | null; message: string | null; resumeAt: string | null } | null;
  /** A series: the rule its occurrences follow (it sends nothing itself). */
  recurrence: { rule: string; time: string; mode: 'local' | 'page'; from: string } | null;
  /** An occurrence: its series and local date. */
  occurrence: { seriesId: string; date: string } | null;
  cost: { currency: string; pricePerMessage: number; spent: number; sent: number; budget: number | null };
}

/** The console's A/B test: its B and C contents in the kinds the console edits. */
export type AbTest = SharedAbTest<CampaignContent>;

export interface ShopResultsSettings {
  attributionDeliveredHours: number;
  attributionClickHours: number;
  optOutPauseThresholdPercent: number;
  optOutMinSent: number;
}

export const UTM_KEYS = ['source', 'medium', 'campaign', 'content', 'term'] as const;
export type Utm = Partial<Record<(typeof UTM_KEYS)[number], string>>;

export interface CampaignResultsSettings extends ShopResultsSettings {
  campaignId: string;
  utm: Utm | null;
  /** The fields the campaign sets itself; the others are the shop's defaults. */
  overrides: string[];
}

/** A campaign content as POST /campaigns takes it (the kinds the console edits). */
export type CampaignContent =
  | { type: 'text'; text: string }
  | { type: 'image'; imageUrl: string }
  | {
      type: 'generic';
      elements: Array<{ title: string; subtitle?: string; buttons?: Array<{ type: string; title: string; url?: string }> }>;
    };

/** `/pages/:pageId/campaigns/:id`, the root of a campaign's routes. */
export const campaignPath = (pageId: string, id: string): string => `/pages/${pageId}/campaigns/${id}`;

/** Campaigns still moving refresh their results on their own; finished ones on demand. */
const refreshWhile = (status: Campaign['status'] | undefined): number | false =>
  status === 'running' || status === 'scheduled' || status === 'paused' ? 5000 : false;

export const useCampaign = (pageId: string, id: string) =>
  useQuery({
    queryKey: ['campaign', pageId, id],
    refetchInterval: (query) => refreshWhile(query.state.data?.status),
    queryFn: () => api<CampaignDetail>('GET', campaignPath(pageId, id)),
  });

export const useResults = (pageId: string, id: string, status: Campaign['status'] | undefined) =>
  useQuery({
    queryKey: ['results', pageId, id],
    enabled: status !== undefined && status !== 'draft',
    refetchInterval: refreshWhile(status),
    queryFn: () => api<CampaignResults>('GET', `${campaignPath(pageId, id)}/results`),
  });

export const useFigures = (pageId: string, id: string, bucket: Bucket, status: Campaign['status'] | undefined) =>
  useQuery({
    queryKey: ['figures', pageId, id, bucket],
    enabled: status !== undefined && status !== 'draft',
    // The other bucket's figures replace these when they come, not an empty chart in between.
    placeholderData: keepPreviousData,
    refetchInterval: refreshWhile(status),
    queryFn: () => api<CampaignFigures>('GET', `${campaignPath(pageId, id)}/figures?bucket=${bucket}`),
  });

/** The campaign's A/B test, or null when it has none (the API's 404). */
export const useAbTest = (pageId: string, id: string, status: Campaign['status']) =>
  useQuery({
    queryKey: ['ab-test', pageId, id],
    refetchInterval: refreshWhile(status),
    queryFn: async () => {
      try {
        return await api<AbTest>('GET', `${campaignPath(pageId, id)}/ab-test`);
      } catch (e) {
        // The campaign itself was just read, so its 404 here means "no test".
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }
    },
  });

export const useOccurrences = (pageId: string, id: string, isSeries: boolean) =>
  useQuery({
    queryKey: ['occurrences', pageId, id],
    enabled: isSeries,
    queryFn: () => api<CampaignDetail[]>('GET', `${campaignPath(pageId, id)}/occurrences`),
  });

export const useCampaignSettings = (pageId: string, id: string, enabled: boolean) =>
  useQuery({
    queryKey: ['results-settings', pageId, id],
    enabled,
    queryFn: () => api<CampaignResultsSettings>('GET', `${campaignPath(pageId, id)}/results-settings`),
  });

export const useShopSettings = () =>
  useQuery({ queryKey: ['results-settings'], queryFn: () => api<ShopResultsSettings>('GET', '/results-settings') });

/**
 * The sends a campaign made before this page opened, for the live progress chart: the hourly figures as
 * running totals, one point per local hour of the Page's zone that sent (labelled `09:00–10:00`). Read once
 * per opening (its own query key, never refreshed), so the live events that follow are not counted twice.
 */
export function useSendsHistory(pageId: string, id: string, enabled: boolean): Array<{ t: string; sent: number }> {
  const history = useQuery({
    queryKey: ['sends-history', pageId, id],
    enabled,
    staleTime: Infinity,
    gcTime: 0,
    refetchOnWindowFocus: false,
    queryFn: () => api<CampaignFigures>('GET', `${campaignPath(pageId, id)}/figures?bucket=hour`),
  });
  let total = 0;
  return (history.data?.buckets ?? [])
    .filter((b) => b.sends > 0)
    .map((b) => {
      const hour = Number(b.local.slice(11));
      const hh = (h: number): string => `${String(h % 24).padStart(2, '0')}:00`;
      return { t: `${hh(hour)}–${hh(hour + 1)}`, sent: (total += b.sends) };
    });
}
