import { useQuery } from '@tanstack/react-query';
import { api, type Campaign } from '../../api';
import type { AudienceFields, Segment, Shop } from './types';

export type * from './types';

/** A campaign's segment and series fields. */
export const audienceFieldsOf = (c: Campaign): AudienceFields => c as Campaign & AudienceFields;

export const useShop = () => useQuery({ queryKey: ['shop'], queryFn: () => api<Shop>('GET', '/shop') });
export const useSegments = (pageId: string) =>
  useQuery({ queryKey: ['segments', pageId], queryFn: () => api<Segment[]>('GET', `/pages/${pageId}/segments`) });
