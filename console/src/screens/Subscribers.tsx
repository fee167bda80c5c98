import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Input, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Subscriber, type TopicCounts } from '../api';
import { errorText } from '../errors';
import { useTopics } from '../hooks';
import { CountTags } from './Topics';
import { tone } from '../tone';

const FILTERS = ['active', 'stopped', 'unsubscribed', 'expired', 'invalid', 'unlisted'];
interface SubscriberPage {
  items: Array<Subscriber & { optedInAt: string }>;
  nextCursor: string | null;
  counts: TopicCounts;
}

/** A topic's subscribers: filter by status, search by PSID (within the loaded pages), unsubscribe one. */
export function SubscribersScreen({ pageId }: { pageId: string }) {
  const { t } = useTranslation();
  const topics = useTopics(pageId);
  const [topicId, setTopicId] = useState<string>();
  const [status, setStatus] = useState<string>();
  const [search, setSearch] = useState('');
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (!topicId && topics.data?.length) setTopicId(topics.data[0]!.id);
  }, [topics.data, topicId]);
  const queryClient = useQueryClient();
  const list = useInfiniteQuery({
    queryKey: ['subscribers', pageId, topicId, status],
    enabled: topicId !== undefined,
    initialPageParam: '',
    queryFn: ({ pageParam }) =>
      api<SubscriberPage>(
        'GET',
        `/pages/${pageId}/topics/${topicId}/subscribers?limit=100${status ? `&status=${status}` : ''}${pageParam ? `&after=${encodeURIComponent(pageParam)}` : ''}`,
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const unsubscribe = useMutation({
    mutationFn: (subscriptionId: string) => api('POST', `/pages/${pageId}/subscribers/unsubscribe`, { subscriptionId }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['subscribers', pageId] }),
    onError: (e) => setError(errorText(t, e)),
  });
  const items = (list.data?.pages ?? []).flatMap((p) => p.items).filter((s) => !search || (s.psid ?? '').includes(search.trim()));
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large">
      <Typography.Title level={2}>{t('subscribers.title')}</Typography.Title>
      <Space wrap>
        <Select
          aria-label={t('subscribers.topic')}
          value={topicId}
          onChange={setTopicId}
          style={{ minWidth: 180 }}
          options={(topics.data ?? []).map((x) => ({ value: x.id, label: x.title }))}
        />
        <Select
          aria-label={t('subscribers.filter')}
          value={status ?? ''}
          onChange={(v) => setStatus(v || undefined)}
          style={{ minWidth: 140 }}
          options={[{ value: '', label: t('subscribers.all') }, ...FILTERS.map((f) => ({ value: f, label: t(`topics.counts.${f}`) }))]}
        />
        <Input.Search
          aria-label={t('subscribers.search')}
          placeholder={t('subscribers.search')}
          allowClear
          onSearch={setSearch}
          onChange={(e) => setSearch(e.target.value)}
          style={{ width: 200 }}
        />
      </Space>
      {list.data?.pages[0] && <CountTags counts={list.data.pages[0].counts} />}
      {error && <Alert type="error" role="alert" message={error} />}
      <Table
        rowKey="id"
        size="small"
        loading={list.isLoading}
        dataSource={items}
        pagination={false}
        scroll={{ x: true }}
        locale={{ emptyText: t('common.none') }}
        columns={[
          { title: t('subscribers.psid'), dataIndex: 'psid' },
          {
            title: t('common.status'),
            render: (_, s) => <Tag style={tone(s.status === 'active' ? 'green' : undefined)}>{t(`topics.counts.${s.status}`)}</Tag>,
          },
          { title: t('subscribers.since'), render: (_, s) => new Date(s.optedInAt).toLocaleDateString() },
          {
            title: t('common.actions'),
            render: (_, s) =>
              s.status === 'active' || s.status === 'stopped' ? (
                <Popconfirm
                  title={t('subscribers.unsubscribe')}
                  onConfirm={() => unsubscribe.mutate(s.id)}
                  okText={t('common.yes')}
                  cancelText={t('common.no')}
                >
                  <Button size="small" danger>
                    {t('subscribers.unsubscribe')}
                  </Button>
                </Popconfirm>
              ) : null,
          },
        ]}
      />
      {list.hasNextPage && <Button onClick={() => void list.fetchNextPage()}>{t('common.refresh')}</Button>}
    </Space>
  );
}
