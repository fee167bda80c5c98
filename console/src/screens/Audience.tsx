import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Popconfirm, Space, Spin, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Page } from '../api';
import { errorText } from '../errors';
import { useTopics } from '../hooks';
import { useSegments, useShop, type Segment } from './audience/api';
import { describeSegment } from './audience/conditions';
import { CustomerLookup } from './audience/CustomerLookup';
import { SegmentEditor } from './audience/SegmentEditor';

/** Audience: the Page's saved segments (conditions on order summaries, the subscription and tags) and a customer lookup. */
export function AudienceScreen({ pageId, page }: { pageId: string; page?: Page }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const shop = useShop();
  const topics = useTopics(pageId);
  const segments = useSegments(pageId);
  const [editing, setEditing] = useState<Segment>();
  const [error, setError] = useState<string>();
  const remove = useMutation({
    mutationFn: (id: string) => api<void>('DELETE', `/pages/${pageId}/segments/${id}`),
    onSuccess: (_, id) => {
      setError(undefined);
      if (editing?.id === id) setEditing(undefined);
      void queryClient.invalidateQueries({ queryKey: ['segments', pageId] });
    },
    onError: (e) => setError(errorText(t, e)),
  });
  const locale = i18n.language === 'vi' ? 'vi-VN' : 'en-PH';
  const currency = shop.data?.currency;
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large">
      <Typography.Title level={2}>{t('audience.title')}</Typography.Title>
      <Typography.Paragraph>{t('audience.intro')}</Typography.Paragraph>
      <Table<Segment>
        rowKey="id"
        size="small"
        loading={segments.isLoading}
        dataSource={segments.data ?? []}
        pagination={false}
        scroll={{ x: true }}
        locale={{ emptyText: t('common.none') }}
        columns={[
          { title: t('audience.segmentName'), dataIndex: 'name' },
          {
            title: t('audience.conditions'),
            render: (_, s) => (currency ? describeSegment(t, s.definition, { currency, locale }) : '…'),
          },
          {
            title: t('common.actions'),
            render: (_, s) => (
              <Space wrap>
                <Button size="small" onClick={() => setEditing(s)} aria-label={t('audience.editNamed', { name: s.name })}>
                  {t('audience.edit')}
                </Button>
                <Popconfirm
                  title={t('audience.deleteConfirm', { name: s.name })}
                  okText={t('common.delete')}
                  cancelText={t('common.cancel')}
                  onConfirm={() => remove.mutate(s.id)}
                >
                  <Button size="small" danger aria-label={t('audience.deleteNamed', { name: s.name })}>
                    {t('common.delete')}
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      {error && <Alert type="error" role="alert" message={error} />}
      {currency && topics.data ? (
        <SegmentEditor
          key={editing?.id ?? 'new'}
          pageId={pageId}
          topics={topics.data}
          context={{ currency, locale, pageTimezone: page?.timezone }}
          segment={editing}
          onDone={() => setEditing(undefined)}
        />
      ) : (
        <Spin />
      )}
      <CustomerLookup pageId={pageId} locale={locale} />
    </Space>
  );
}
