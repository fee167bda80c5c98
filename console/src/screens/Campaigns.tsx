import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Col,
  DatePicker,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Progress as Bar,
  Radio,
  Row,
  Select,
  Space,
  Statistic,
  Table,
  TimePicker,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { META_TEXT_LIMITS, metaTextLength } from '../../../libs/graph-api/src/meta-text';
import { api, streamEvents, type Campaign, type Estimate, type Page, type Progress } from '../api';
import { errorText, showFieldErrors } from '../errors';
import { money, useSandbox, useTopics } from '../hooks';
import { currencyDigits, toMinorUnits } from '../money';
import { useSendsHistory } from '../results-api';
import { CampaignResults } from './CampaignResults';
import { CampaignStatusTag } from './CampaignStatusTag';
import { audienceFieldsOf } from './audience/api';
import { CampaignSegment, CampaignSegmentField } from './audience/CampaignAudience';
import { CampaignRepeat, RepeatTag } from './recurring/CampaignRepeat';

/** The message as a Messenger chat bubble. */
function MessagePreview({ text, pageName }: { text: string; pageName?: string }) {
  return (
    <div style={{ background: '#f5f5f5', borderRadius: 12, padding: 12, maxWidth: 320 }} data-testid="message-preview">
      <div style={{ fontSize: 12, color: 'rgba(0,0,0,0.65)', marginBottom: 4 }}>{pageName}</div>
      <div style={{ background: '#fff', border: '1px solid #e8e8e8', borderRadius: 18, padding: '8px 12px', whiteSpace: 'pre-wrap' }}>
        {text || '…'}
      </div>
    </div>
  );
}

/**
 * Live progress: one `progress` event per change, pushed by the server (SSE); the chart is built from them,
 * after the sends made before the page opened (the hourly figures), so a reload keeps the history.
 */
function useLiveProgress(pageId: string, campaign: Campaign): { progress?: Progress; series: Array<{ t: string; sent: number }> } {
  const [progress, setProgress] = useState<Progress>();
  const [series, setSeries] = useState<Array<{ t: string; sent: number }>>([]);
  const queryClient = useQueryClient();
  const live = campaign.status !== 'draft';
  const history = useSendsHistory(pageId, campaign.id, live);
  useEffect(() => {
    if (!live) return;
    const abort = new AbortController();
    setSeries([]);
    void streamEvents(
      `/pages/${pageId}/campaigns/${campaign.id}/progress/stream`,
      (type, data) => {
        if (type !== 'progress') return;
        const p = JSON.parse(data) as Progress;
        setProgress(p);
        setSeries((s) => [...s, { t: new Date().toLocaleTimeString(), sent: p.sent }]);
        void queryClient.invalidateQueries({ queryKey: ['campaigns', pageId] });
      },
      abort.signal,
    ).catch(() => undefined);
    return () => abort.abort();
  }, [pageId, campaign.id, live, queryClient]);
  return { progress, series: [...history, ...series] };
}

function ProgressPanel({ progress, series, locale }: { progress: Progress; series: Array<{ t: string; sent: number }>; locale: string }) {
  const { t } = useTranslation();
  const total = Math.max(progress.audience, 1);
  const pct = (n: number) => Math.round((n / total) * 100);
  const reasons = { ...progress.failedByReason, ...progress.skippedByReason };
  const { cost } = progress;
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="progress">
      <Typography.Title level={4}>{t('campaigns.progress')}</Typography.Title>
      <Row gutter={[8, 8]}>
        {(['sent', 'delivered', 'read', 'failed', 'skipped', 'pending'] as const).map((k) => (
          <Col xs={8} md={4} key={k}>
            <Statistic
              title={t(`campaigns.${k}`)}
              value={progress[k]}
              valueRender={(node) => <span data-testid={`progress-${k}`}>{node}</span>}
            />
          </Col>
        ))}
      </Row>
      {(['sent', 'delivered', 'read', 'failed'] as const).map((k) => (
        <div key={k}>
          <span id={`bar-${k}`}>{t(`campaigns.${k}`)}</span>
          <Bar
            aria-labelledby={`bar-${k}`}
            percent={pct(progress[k])}
            status={k === 'failed' && progress.failed > 0 ? 'exception' : progress.status === 'running' ? 'active' : 'normal'}
          />
        </div>
      ))}
      <Descriptions size="small" column={{ xs: 1, md: 2 }}>
        <Descriptions.Item label={t('campaigns.cost')}>
          {money(cost.spent, cost.currency, locale)} {t('campaigns.of')}{' '}
          {cost.budget === null ? t('campaigns.noBudget') : money(cost.budget, cost.currency, locale)}
        </Descriptions.Item>
        <Descriptions.Item label={t('campaigns.timeLeft')}>
          {progress.secondsLeft === null ? '–' : t('campaigns.seconds', { count: Math.ceil(progress.secondsLeft) })}
        </Descriptions.Item>
      </Descriptions>
      {Object.keys(reasons).length > 0 && (
        <>
          <Typography.Text strong>{t('campaigns.byReason')}</Typography.Text>
          <ul>
            {Object.entries(reasons).map(([reason, n]) => (
              <li key={reason}>
                {t(`reasons.${reason}`, { defaultValue: reason })}: {n}
              </li>
            ))}
          </ul>
        </>
      )}
      <Typography.Text strong>{t('campaigns.sendsOverTime')}</Typography.Text>
      <div style={{ width: '100%', height: 180 }} role="img" aria-label={t('campaigns.sendsOverTime')}>
        <ResponsiveContainer>
          <LineChart data={series}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="t" />
            <YAxis allowDecimals={false} />
            <Tooltip />
            <Line type="monotone" dataKey="sent" stroke="#0958d9" isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </div>
    </Space>
  );
}

function CampaignDetail({ pageId, campaign, locale }: { pageId: string; campaign: Campaign; locale: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [form] = Form.useForm();
  const [error, setError] = useState<string>();
  const sandbox = useSandbox();
  const { progress, series } = useLiveProgress(pageId, campaign);
  const estimate = useQuery({
    queryKey: ['estimate', campaign.id],
    enabled: campaign.status === 'draft',
    queryFn: () => api<Estimate>('GET', `/pages/${pageId}/campaigns/${campaign.id}/estimate`),
  });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['campaigns', pageId] });
  const schedule = useMutation({
    mutationFn: (v: {
      mode: string;
      at?: { toISOString(): string };
      date?: { format(f: string): string };
      localTime?: { format(f: string): string };
    }) =>
      api<Campaign>(
        'POST',
        `/pages/${pageId}/campaigns/${campaign.id}/schedule`,
        v.mode === 'at'
          ? { at: v.at?.toISOString() }
          : v.mode === 'local'
            ? { date: v.date?.format('YYYY-MM-DD'), localTime: v.localTime?.format('HH:mm') }
            : {},
      ),
    onSuccess: () => {
      setError(undefined);
      refresh();
    },
    onError: (e) => setError(showFieldErrors(t, form, e)),
  });
  const control = useMutation({
    mutationFn: (action: string) => api<Campaign>('POST', `/pages/${pageId}/campaigns/${campaign.id}/${action}`),
    onSuccess: refresh,
    onError: (e) => setError(errorText(t, e)),
  });
  const est = estimate.data ?? campaign.estimate;
  const mode = Form.useWatch('mode', form) as string | undefined;
  const status = progress?.status ?? campaign.status;
  return (
    <Card
      title={<h3 style={{ margin: 0, fontSize: 16 }}>{campaign.name}</h3>}
      extra={<CampaignStatusTag status={status} testId="campaign-status" />}
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        <MessagePreview text={campaign.content.text ?? ''} />
        {est && (
          <Descriptions size="small" column={{ xs: 1, md: 3 }} title={t('campaigns.estimate')}>
            <Descriptions.Item label={t('campaigns.audience')}>
              <span data-testid="audience">{est.audience}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('campaigns.ours')}>{money(est.ours.cost, est.currency, locale)}</Descriptions.Item>
            <Descriptions.Item label={t('campaigns.meta')}>
              {est.meta.costLowerBound !== undefined
                ? `${money(est.meta.costLowerBound, est.currency, locale)} – ${money(est.meta.costUpperBound ?? 0, est.currency, locale)}`
                : '–'}
            </Descriptions.Item>
          </Descriptions>
        )}
        <CampaignSegment pageId={pageId} campaign={campaign} locale={locale} />
        {campaign.status === 'draft' && (
          <Form form={form} layout="vertical" name="schedule" initialValues={{ mode: 'asap' }} onFinish={(v) => schedule.mutate(v)}>
            {sandbox.data && (
              <Alert
                type={sandbox.data.demo ? 'warning' : 'info'}
                showIcon
                style={{ marginBottom: 12 }}
                message={t('campaigns.warmUp', { minutes: Math.round((sandbox.data.warmUpMs / 60000) * 10) / 10 })}
              />
            )}
            <Form.Item label={t('campaigns.schedule')} name="mode">
              <Radio.Group
                options={[
                  { value: 'asap', label: t('campaigns.asap') },
                  { value: 'at', label: t('campaigns.at') },
                  { value: 'local', label: t('campaigns.localHour') },
                ]}
              />
            </Form.Item>
            {mode === 'at' && (
              <Form.Item label={t('campaigns.at')} name="at" rules={[{ required: true, message: t('rules.isNotEmpty') }]}>
                <DatePicker showTime />
              </Form.Item>
            )}
            {mode === 'local' && (
              <Space wrap>
                <Form.Item label={t('campaigns.date')} name="date" rules={[{ required: true, message: t('rules.isNotEmpty') }]}>
                  <DatePicker />
                </Form.Item>
                <Form.Item label={t('campaigns.localTime')} name="localTime" rules={[{ required: true, message: t('rules.isNotEmpty') }]}>
                  <TimePicker format="HH:mm" />
                </Form.Item>
              </Space>
            )}
            <Button type="primary" htmlType="submit" loading={schedule.isPending}>
              {t('campaigns.schedule')}
            </Button>
          </Form>
        )}
        <CampaignRepeat pageId={pageId} campaign={campaign} locale={locale} />
        {error && <Alert type="error" role="alert" message={error} />}
        <Space wrap>
          {(status === 'running' || status === 'scheduled') && !audienceFieldsOf(campaign).recurrence && (
            <Button onClick={() => control.mutate('pause')}>{t('campaigns.pause')}</Button>
          )}
          {status === 'paused' && <Button onClick={() => control.mutate('resume')}>{t('campaigns.resume')}</Button>}
          {(status === 'running' || status === 'scheduled' || status === 'paused') && (
            <Button danger onClick={() => control.mutate('cancel')}>
              {t('campaigns.cancelCampaign')}
            </Button>
          )}
        </Space>
        {progress && !audienceFieldsOf(campaign).recurrence && <ProgressPanel progress={progress} series={series} locale={locale} />}
      </Space>
    </Card>
  );
}

/** Campaigns: create with a preview, see audience and estimate, schedule, control, and watch it run. */
export function CampaignsScreen({ pageId, page }: { pageId: string; page?: Page }) {
  const { t, i18n } = useTranslation();
  const topics = useTopics(pageId);
  const campaigns = useQuery({ queryKey: ['campaigns', pageId], queryFn: () => api<Campaign[]>('GET', `/pages/${pageId}/campaigns`) });
  const [openId, setOpenId] = useState<string>();
  const [resultsId, setResultsId] = useState<string>();
  const [form] = Form.useForm();
  const [error, setError] = useState<string>();
  const text = (Form.useWatch('text', form) as string | undefined) ?? '';
  const queryClient = useQueryClient();
  const create = useMutation({
    mutationFn: (v: {
      name: string;
      topicId: string;
      segmentId?: string;
      text: string;
      budgetType?: 'daily' | 'lifetime';
      budgetAmount?: number;
    }) =>
      api<Campaign>('POST', `/pages/${pageId}/campaigns`, {
        name: v.name,
        topicId: v.topicId,
        ...(v.segmentId ? { segmentId: v.segmentId } : {}),
        content: { type: 'text', text: v.text },
        // Typed in the Page currency's main unit (₱1,250.50); the API takes minor units (125050).
        ...(v.budgetAmount && page
          ? { budget: { type: v.budgetType ?? 'lifetime', amount: toMinorUnits(v.budgetAmount, page.currency) } }
          : {}),
      }),
    onSuccess: (c) => {
      form.resetFields();
      setError(undefined);
      setOpenId(c.id);
      void queryClient.invalidateQueries({ queryKey: ['campaigns', pageId] });
    },
    onError: (e) =>
      setError(showFieldErrors(t, form, e, { 'content.text': 'text', 'budget.amount': 'budgetAmount', 'budget.type': 'budgetType' })),
  });
  const open = campaigns.data?.find((c) => c.id === openId);
  const locale = i18n.language === 'vi' ? 'vi-VN' : 'en-PH';
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large">
      <Typography.Title level={2}>{t('campaigns.title')}</Typography.Title>
      <Table<Campaign>
        rowKey="id"
        size="small"
        loading={campaigns.isLoading}
        dataSource={campaigns.data ?? []}
        pagination={false}
        scroll={{ x: true }}
        locale={{ emptyText: t('common.none') }}
        columns={[
          {
            title: t('campaigns.name'),
            render: (_, c) => (
              <>
                {c.name}
                <RepeatTag campaign={c} locale={locale} />
              </>
            ),
          },
          { title: t('common.status'), render: (_, c) => <CampaignStatusTag status={c.status} /> },
          {
            title: t('common.actions'),
            render: (_, c) => (
              <Space wrap>
                <Button size="small" onClick={() => setOpenId(c.id)}>
                  {t('campaigns.open')}
                </Button>
                <Button size="small" onClick={() => setResultsId(c.id)}>
                  {t(c.status === 'draft' ? 'results.openDraft' : 'results.open')}
                </Button>
              </Space>
            ),
          },
        ]}
      />
      {open && <CampaignDetail key={open.id} pageId={pageId} campaign={open} locale={locale} />}
      {resultsId && (
        <CampaignResults
          key={resultsId}
          pageId={pageId}
          campaignId={resultsId}
          locale={locale}
          onOpen={setResultsId}
          onClose={() => setResultsId(undefined)}
        />
      )}
      <Card title={<h3 style={{ margin: 0, fontSize: 16 }}>{t('campaigns.new')}</h3>}>
        <Row gutter={[16, 16]}>
          <Col xs={24} md={14}>
            <Form
              form={form}
              layout="vertical"
              name="campaign"
              onFinish={(v) => create.mutate(v)}
              initialValues={{ budgetType: 'lifetime' }}
            >
              <Form.Item label={t('campaigns.name')} name="name" rules={[{ required: true, message: t('rules.isNotEmpty') }]}>
                <Input />
              </Form.Item>
              <Form.Item label={t('campaigns.topic')} name="topicId" rules={[{ required: true, message: t('rules.isUUID') }]}>
                <Select options={(topics.data ?? []).map((x) => ({ value: x.id, label: x.title }))} />
              </Form.Item>
              <CampaignSegmentField pageId={pageId} form={form} />
              <Form.Item
                label={t('campaigns.text')}
                name="text"
                extra={t('topics.counter', { count: metaTextLength(text), max: META_TEXT_LIMITS.marketingText })}
                rules={[{ required: true, message: t('rules.isNotEmpty') }]}
              >
                <Input.TextArea autoSize={{ minRows: 2 }} />
              </Form.Item>
              <Space wrap>
                <Form.Item label={t('campaigns.budgetType')} name="budgetType">
                  <Select
                    style={{ width: 140 }}
                    options={[
                      { value: 'lifetime', label: t('campaigns.lifetime') },
                      { value: 'daily', label: t('campaigns.daily') },
                    ]}
                  />
                </Form.Item>
                <Form.Item label={`${t('campaigns.budget')}${page ? ` (${page.currency})` : ''}`} name="budgetAmount">
                  <InputNumber min={0} precision={page ? currencyDigits(page.currency) : 0} style={{ width: 180 }} />
                </Form.Item>
              </Space>
              {error && <Alert type="error" role="alert" message={error} style={{ marginBottom: 12 }} />}
              <Button type="primary" htmlType="submit" loading={create.isPending}>
                {t('common.create')}
              </Button>
            </Form>
          </Col>
          <Col xs={24} md={10}>
            <Typography.Paragraph strong>{t('campaigns.preview')}</Typography.Paragraph>
            <MessagePreview text={text} pageName={page?.name} />
          </Col>
        </Row>
      </Card>
    </Space>
  );
}
