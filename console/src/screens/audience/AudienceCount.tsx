import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Spin, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import type { AudienceCount, SegmentDefinition } from './api';

/** Whom to count: a topic's active subscribers, narrowed by a saved segment or inline conditions (or neither). */
export interface CountRequest {
  topicId: string;
  segmentId?: string;
  segment?: SegmentDefinition;
}

/** `value` once it has stayed the same for `ms` (typing does not call the API at every key). */
function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/**
 * `POST …/audience/count` for the request, 400 ms after it last changed (undefined: nothing to count yet).
 * The last count stays on screen while the next one is asked.
 */
export function useAudienceCount(pageId: string, request: CountRequest | undefined) {
  const body = useDebounced(request ? JSON.stringify(request) : '', 400);
  return useQuery({
    queryKey: ['audience-count', pageId, body],
    enabled: body !== '',
    queryFn: () => api<AudienceCount>('POST', `/pages/${pageId}/audience/count`, JSON.parse(body) as CountRequest),
    placeholderData: keepPreviousData,
    retry: false,
  });
}

/**
 * "N subscribers match", said again to screen readers when it changes. `waiting` names why there is no count
 * yet (no topic chosen, conditions not filled in); `problem` is an error to show instead.
 */
export function AudienceCountLine({
  count,
  fetching,
  waiting,
  problem,
  total,
}: {
  count: number | undefined;
  fetching: boolean;
  waiting?: string;
  problem?: string;
  total?: number;
}) {
  const { t } = useTranslation();
  return (
    <div aria-live="polite" data-testid="audience-count-line" style={{ minHeight: 24 }}>
      {problem ? (
        <Typography.Text type="danger">{problem}</Typography.Text>
      ) : waiting ? (
        <Typography.Text type="secondary">{waiting}</Typography.Text>
      ) : count === undefined ? (
        <Typography.Text type="secondary">{t('audience.counting')}</Typography.Text>
      ) : (
        <Typography.Text>
          <strong data-testid="audience-count">{t('audience.matches', { count })}</strong>
          {total !== undefined && ` ${t('audience.ofActive', { count: total })}`}
        </Typography.Text>
      )}
      {fetching && <Spin size="small" style={{ marginLeft: 8 }} />}
    </div>
  );
}
