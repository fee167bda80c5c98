import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Form, List, Select, Space, Switch, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Page, type Rule, type RuleEvent, type RuleStats } from '../api';
import { errorText, showFieldErrors } from '../errors';
import { useSequences, useTopics } from '../hooks';

const ORDER_STATUSES = ['NEW', 'CONFIRMED', 'PACKING', 'SHIPPED', 'DELIVERED', 'RETURNED', 'CANCELED'];

function RuleCard({ rule, topic, sequence }: { rule: Rule; topic?: string; sequence?: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string>();
  // Counts change as events arrive: refreshed every few seconds while the screen is open.
  const stats = useQuery({
    queryKey: ['rule-stats', rule.id],
    queryFn: () => api<RuleStats>('GET', `/pos-notification-rules/${rule.id}/stats`),
    refetchInterval: 3000,
  });
  const skipped = useQuery({
    queryKey: ['rule-skipped', rule.id],
    queryFn: () => api<RuleEvent[]>('GET', `/pos-notification-rules/${rule.id}/events?outcome=skipped`),
    refetchInterval: 3000,
  });
  const toggle = useMutation({
    mutationFn: (on: boolean) => api<Rule>('POST', `/pos-notification-rules/${rule.id}/${on ? 'activate' : 'deactivate'}`),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['rules'] }),
    onError: (e) => setError(errorText(t, e)),
  });
  const s = stats.data;
  const skippedCount = Object.values(s?.skippedByReason ?? {}).reduce((a, b) => a + b, 0);
  return (
    <Card
      size="small"
      title={`${rule.orderStatus} → ${topic ?? rule.topicId}`}
      extra={
        <Space>
          <span>{rule.active ? t('pos.activeOn') : t('pos.activeOff')}</span>
          <Switch aria-label={t('pos.activate')} checked={rule.active} loading={toggle.isPending} onChange={(on) => toggle.mutate(on)} />
        </Space>
      }
      data-testid="rule"
    >
      {!rule.active && <Alert type="warning" showIcon message={t('pos.reminder')} style={{ marginBottom: 8 }} />}
      {error && <Alert type="error" role="alert" message={error} />}
      <Descriptions size="small" column={{ xs: 1, sm: 2, md: 4 }}>
        <Descriptions.Item label={t('pos.sequence')}>{sequence ?? rule.sequenceId}</Descriptions.Item>
        <Descriptions.Item label={t('pos.dispatched')}>
          <span data-testid="dispatched">{s?.dispatches ?? '…'}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('pos.sent')}>
          <span data-testid="sent">{s?.optinRequestsSent ?? '…'}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('pos.subscribed')}>
          <span data-testid="subscribed">{s?.subscriptions ?? '…'}</span>
        </Descriptions.Item>
      </Descriptions>
      {s && skippedCount > 0 && (
        <>
          <Typography.Text strong>
            {t('pos.skipped')} ({skippedCount})
          </Typography.Text>
          <ul data-testid="skipped-reasons">
            {Object.entries(s.skippedByReason).map(([reason, n]) => (
              <li key={reason}>
                {t(`reasons.${reason}`, { defaultValue: reason })}: {n}
              </li>
            ))}
          </ul>
          <Typography.Text strong>{t('pos.skippedEvents')}</Typography.Text>
          <List
            size="small"
            dataSource={skipped.data ?? []}
            data-testid="skipped-events"
            renderItem={(e) => (
              <List.Item>
                {e.orderId} · {e.psid}: {t(`reasons.${e.skipReason}`, { defaultValue: e.skipReason ?? '' })}
                {e.skipDetail && ` (${t(`reasons.${e.skipDetail}`, { defaultValue: e.skipDetail })})`}
              </List.Item>
            )}
          />
        </>
      )}
    </Card>
  );
}

/** POS notification rules: Add (topic, order status, Page, sequence), Save, then Activate. */
export function PosScreen({ pageId, pages }: { pageId: string; pages: Page[] }) {
  const { t } = useTranslation();
  const topics = useTopics(pageId);
  const sequences = useSequences(pageId);
  const rules = useQuery({ queryKey: ['rules', pageId], queryFn: () => api<Rule[]>('GET', `/pos-notification-rules?pageId=${pageId}`) });
  const [form] = Form.useForm();
  const [error, setError] = useState<string>();
  const [adding, setAdding] = useState(false);
  const queryClient = useQueryClient();
  const create = useMutation({
    mutationFn: (v: Record<string, string>) => api<Rule>('POST', '/pos-notification-rules', v),
    onSuccess: () => {
      form.resetFields();
      setError(undefined);
      setAdding(false);
      void queryClient.invalidateQueries({ queryKey: ['rules'] });
    },
    onError: (e) => setError(showFieldErrors(t, form, e)),
  });
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large">
      <Space style={{ width: '100%', justifyContent: 'space-between' }} wrap>
        <Typography.Title level={2} style={{ margin: 0 }}>
          {t('pos.title')}
        </Typography.Title>
        <Button type="primary" onClick={() => setAdding(true)}>
          {t('pos.add')}
        </Button>
      </Space>
      {adding && (
        <Card>
          <Form
            form={form}
            layout="vertical"
            name="rule"
            onFinish={(v) => create.mutate(v)}
            initialValues={{ pageId, orderStatus: 'CONFIRMED' }}
          >
            <Form.Item label={t('pos.topic')} name="topicId" rules={[{ required: true, message: t('rules.isUUID') }]}>
              <Select options={(topics.data ?? []).map((x) => ({ value: x.id, label: x.title }))} />
            </Form.Item>
            <Form.Item label={t('pos.orderStatus')} name="orderStatus">
              <Select options={ORDER_STATUSES.map((s) => ({ value: s, label: s }))} />
            </Form.Item>
            <Form.Item label={t('pos.page')} name="pageId">
              <Select options={pages.map((p) => ({ value: p.id, label: p.name }))} />
            </Form.Item>
            <Form.Item label={t('pos.sequence')} name="sequenceId" rules={[{ required: true, message: t('rules.isUUID') }]}>
              <Select options={(sequences.data ?? []).map((x) => ({ value: x.id, label: x.name }))} />
            </Form.Item>
            {error && <Alert type="error" role="alert" message={error} style={{ marginBottom: 12 }} />}
            <Space>
              <Button type="primary" htmlType="submit" loading={create.isPending}>
                {t('common.save')}
              </Button>
              <Button onClick={() => setAdding(false)}>{t('common.cancel')}</Button>
            </Space>
          </Form>
        </Card>
      )}
      {(rules.data ?? []).length === 0 && !rules.isLoading && <Typography.Text>{t('common.none')}</Typography.Text>}
      {(rules.data ?? []).map((rule) => (
        <RuleCard
          key={rule.id}
          rule={rule}
          topic={topics.data?.find((x) => x.id === rule.topicId)?.title}
          sequence={sequences.data?.find((x) => x.id === rule.sequenceId)?.name}
        />
      ))}
    </Space>
  );
}
