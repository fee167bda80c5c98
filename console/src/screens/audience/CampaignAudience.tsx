import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Form, Select, Space, Typography, type FormInstance } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Campaign } from '../../api';
import { errorText } from '../../errors';
import { AudienceCountLine, useAudienceCount } from './AudienceCount';
import { audienceFieldsOf, useSegments, useShop } from './api';
import { describeSegment } from './conditions';

/** Choices of a segment Select: the Page's saved segments; no choice is the whole topic. */
function useSegmentOptions(pageId: string) {
  const segments = useSegments(pageId);
  return { segments, options: (segments.data ?? []).map((s) => ({ value: s.id, label: s.name })) };
}

/**
 * In the campaign form: a saved segment of the Page (field `segmentId`; empty = every active subscriber of
 * the topic) and how many of the chosen topic's subscribers it selects now.
 */
export function CampaignSegmentField({ pageId, form }: { pageId: string; form: FormInstance }) {
  const { t } = useTranslation();
  const { segments, options } = useSegmentOptions(pageId);
  const topicId = Form.useWatch('topicId', form) as string | undefined;
  const segmentId = Form.useWatch('segmentId', form) as string | undefined;
  const count = useAudienceCount(pageId, topicId ? { topicId, ...(segmentId && { segmentId }) } : undefined);
  return (
    <>
      <Form.Item label={t('audience.segment')} name="segmentId" extra={t('audience.segmentHelp')}>
        <Select allowClear loading={segments.isLoading} placeholder={t('audience.wholeTopic')} options={options} />
      </Form.Item>
      <div style={{ marginTop: -12, marginBottom: 16 }}>
        <AudienceCountLine
          count={count.data?.count}
          fetching={count.isFetching}
          waiting={topicId ? undefined : t('audience.chooseTopic')}
          problem={count.error ? errorText(t, count.error) : undefined}
        />
      </div>
    </>
  );
}

/** In a campaign's card: whom it goes to (its segment or the whole topic); a draft's segment can be changed. */
export function CampaignSegment({ pageId, campaign, locale }: { pageId: string; campaign: Campaign; locale: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const shop = useShop();
  const { options } = useSegmentOptions(pageId);
  const [error, setError] = useState<string>();
  const { segmentId, segment } = audienceFieldsOf(campaign);
  const change = useMutation({
    mutationFn: (id: string | null) => api<Campaign>('PATCH', `/pages/${pageId}/campaigns/${campaign.id}`, { segmentId: id }),
    onSuccess: () => {
      setError(undefined);
      void queryClient.invalidateQueries({ queryKey: ['campaigns', pageId] });
      void queryClient.invalidateQueries({ queryKey: ['estimate', campaign.id] });
    },
    onError: (e) => setError(errorText(t, e)),
  });
  const selectId = `campaign-segment-${campaign.id}`;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {segment && shop.data ? (
        <Typography.Text>
          {t('audience.ownConditions')}: {describeSegment(t, segment, { currency: shop.data.currency, locale })}
        </Typography.Text>
      ) : campaign.status === 'draft' ? (
        <Space wrap>
          <label htmlFor={selectId}>{t('audience.segment')}</label>
          <Select
            id={selectId}
            style={{ minWidth: 220 }}
            allowClear
            value={segmentId ?? undefined}
            placeholder={t('audience.wholeTopic')}
            loading={change.isPending}
            options={options}
            onChange={(id: string | undefined) => change.mutate(id ?? null)}
          />
        </Space>
      ) : (
        <Typography.Text data-testid="campaign-segment">
          {t('audience.segment')}: {options.find((o) => o.value === segmentId)?.label ?? t('audience.wholeTopic')}
        </Typography.Text>
      )}
      {error && <Alert type="error" role="alert" message={error} />}
    </Space>
  );
}
