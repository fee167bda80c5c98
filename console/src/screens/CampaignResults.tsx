import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Col, Row, Space, Statistic, Table, Tabs, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Campaign } from '../api';
import { errorText } from '../errors';
import { ScrollRegion } from '../ScrollRegion';
import { money } from '../hooks';
import {
  campaignPath,
  useCampaign,
  useOccurrences,
  useResults,
  type Bucket,
  type CampaignDetail,
  type CampaignResults as Results,
  type LinkClicks,
} from '../results-api';
import { AbTestPanel } from './AbTest';
import { CampaignStatusTag } from './CampaignStatusTag';
import { FiguresChart } from './FiguresChart';
import { ResultsSettingsPanel } from './ResultsSettings';

/** The pause reason of a campaign that paused itself for its opt-out rate (src/results/opt-out-guard.ts). */
const OPT_OUT_PAUSE = 'opt_out_rate_exceeded';
const LETTERS = ['A', 'B', 'C'];
const percent = (locale: string) => new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });

/** One headline figure; `testId` lets a test (and a screen reader user) find its value. */
function Figure({ title, value, note, testId, danger }: { title: string; value: string; note?: string; testId: string; danger?: boolean }) {
  return (
    <Col xs={12} md={6}>
      <Statistic
        title={title}
        value={value}
        formatter={() => (
          <span data-testid={testId} style={danger ? { color: '#a8071a' } : undefined}>
            {value}
          </span>
        )}
      />
      {note && <Typography.Text type="secondary">{note}</Typography.Text>}
    </Col>
  );
}

/** Sent, delivered, read, clicked, opt-outs against the threshold, attributed orders, revenue, cost and revenue per cost. */
function Headline({ r, locale }: { r: Results; locale: string }) {
  const { t } = useTranslation();
  const pct = percent(locale);
  const ofSent = (n: number) => (r.sent > 0 ? t('results.ofSent', { pct: pct.format(n / r.sent) }) : undefined);
  const { attribution: a, optOuts: o } = r;
  const over = o.thresholdPercent > 0 && o.sent >= o.minSent && o.rate * 100 >= o.thresholdPercent;
  return (
    <Row gutter={[12, 16]} data-testid="headline">
      <Figure title={t('results.sent')} value={String(r.sent)} testId="result-sent" />
      <Figure title={t('results.delivered')} value={String(r.delivered)} note={ofSent(r.delivered)} testId="result-delivered" />
      <Figure title={t('results.read')} value={String(r.read)} note={ofSent(r.read)} testId="result-read" />
      <Figure title={t('results.clicked')} value={String(r.clicked)} note={ofSent(r.clicked)} testId="result-clicked" />
      <Figure
        title={t('results.optOutRate')}
        value={pct.format(o.rate)}
        danger={over}
        note={
          o.thresholdPercent > 0
            ? t('results.optOutLimit', { limit: pct.format(o.thresholdPercent / 100), stops: o.stops, unsubscribes: o.unsubscribes })
            : t('results.optOutOff', { stops: o.stops, unsubscribes: o.unsubscribes })
        }
        testId="result-opt-out"
      />
      <Figure title={t('results.orders')} value={String(a.orders)} testId="result-orders" />
      <Figure title={t('results.revenue')} value={money(a.revenue, a.revenueCurrency, locale)} testId="result-revenue" />
      <Figure title={t('results.cost')} value={money(a.cost, a.costCurrency, locale)} testId="result-cost" />
      <Figure
        title={t('results.revenuePerCost')}
        value={a.revenuePerCost === null ? '–' : `${a.revenuePerCost.toLocaleString(locale)}×`}
        note={a.revenuePerCost === null ? t('results.revenuePerCostNone') : undefined}
        testId="result-revenue-per-cost"
      />
    </Row>
  );
}

function LinksTable({ links, abTest }: { links: LinkClicks[]; abTest: boolean }) {
  const { t } = useTranslation();
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t('results.links.title')}
      </Typography.Title>
      <ScrollRegion label={t('results.links.title')}>
        <Table<LinkClicks>
          rowKey={(l) => `${l.variant}.${l.index}`}
          size="small"
          data-testid="links"
          pagination={false}
          dataSource={links}
          locale={{ emptyText: t('results.links.none') }}
          columns={[
            ...(abTest ? [{ title: t('results.links.variant'), render: (_: unknown, l: LinkClicks) => LETTERS[l.variant] }] : []),
            { title: t('results.links.button'), render: (_, l) => l.title ?? t('results.links.cardTap') },
            {
              title: t('results.links.url'),
              render: (_, l) => <span style={{ display: 'inline-block', minWidth: 160, overflowWrap: 'anywhere' }}>{l.url}</span>,
            },
            { title: t('results.links.clickers'), render: (_, l) => <span data-testid="link-clickers">{l.clickers}</span> },
            { title: t('results.links.clicks'), render: (_, l) => <span data-testid="link-clicks">{l.clicks}</span> },
          ]}
        />
      </ScrollRegion>
    </Space>
  );
}

/** What one campaign (or one occurrence of a series) earned: headline figures, the figures over time, clicks per link. */
function ResultsPanel({ pageId, campaign, locale }: { pageId: string; campaign: CampaignDetail; locale: string }) {
  const { t } = useTranslation();
  const results = useResults(pageId, campaign.id, campaign.status);
  const [bucket, setBucket] = useState<Bucket>('hour');
  if (results.error) return <Alert type="error" role="alert" message={errorText(t, results.error)} />;
  if (!results.data) return <Typography.Text>{t('common.loading')}</Typography.Text>;
  const r = results.data;
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large">
      <Headline r={r} locale={locale} />
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('results.attributionNote', { delivered: r.attribution.deliveredWindowHours, click: r.attribution.clickWindowHours })}
        {r.attribution.ordersInOtherCurrencies > 0 &&
          ` ${t('results.otherCurrencies', { count: r.attribution.ordersInOtherCurrencies, currency: r.attribution.revenueCurrency })}`}
      </Typography.Paragraph>
      <FiguresChart
        pageId={pageId}
        campaignId={campaign.id}
        status={campaign.status}
        locale={locale}
        bucket={bucket}
        onBucket={setBucket}
      />
      <LinksTable links={r.links} abTest={r.abTest !== null} />
    </Space>
  );
}

/** A figure of one occurrence in the series' table: each row reads that occurrence's own results. */
function OccurrenceFigure({
  pageId,
  occurrence,
  pick,
}: {
  pageId: string;
  occurrence: CampaignDetail;
  pick: (r: Results) => string | number;
}) {
  const results = useResults(pageId, occurrence.id, occurrence.status);
  return <>{results.data ? pick(results.data) : '–'}</>;
}

/** A series sends nothing itself: its occurrences, each a campaign with its own results. */
function OccurrencesPanel({
  pageId,
  series,
  locale,
  onOpen,
}: {
  pageId: string;
  series: CampaignDetail;
  locale: string;
  onOpen: (id: string) => void;
}) {
  const { t } = useTranslation();
  const occurrences = useOccurrences(pageId, series.id, true);
  const figure = (title: string, pick: (r: Results) => string | number) => ({
    title,
    render: (_: unknown, o: CampaignDetail) => <OccurrenceFigure pageId={pageId} occurrence={o} pick={pick} />,
  });
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t('results.occurrences.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('results.occurrences.intro')}</Typography.Paragraph>
      <ScrollRegion label={t('results.occurrences.title')}>
        <Table<CampaignDetail>
          rowKey="id"
          size="small"
          data-testid="occurrences"
          loading={occurrences.isLoading}
          dataSource={occurrences.data ?? []}
          pagination={{ pageSize: 10, hideOnSinglePage: true }}
          locale={{ emptyText: t('results.occurrences.none') }}
          columns={[
            { title: t('results.occurrences.date'), render: (_, o) => o.occurrence?.date },
            { title: t('common.status'), render: (_, o) => <CampaignStatusTag status={o.status} /> },
            figure(t('results.sent'), (r) => r.sent),
            figure(t('results.clicked'), (r) => r.clicked),
            figure(t('results.orders'), (r) => r.attribution.orders),
            figure(t('results.revenue'), (r) => money(r.attribution.revenue, r.attribution.revenueCurrency, locale)),
            {
              title: t('common.actions'),
              render: (_, o) => (
                <Button
                  size="small"
                  onClick={() => onOpen(o.id)}
                  aria-label={t('results.occurrences.openOne', { date: o.occurrence?.date })}
                >
                  {t('results.occurrences.open')}
                </Button>
              ),
            },
          ]}
        />
      </ScrollRegion>
    </Space>
  );
}

/** Said in plain words when the campaign paused itself for its opt-out rate, with what the shop can do. */
function OptOutNotice({ pageId, campaign, locale }: { pageId: string; campaign: CampaignDetail; locale: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const results = useResults(pageId, campaign.id, campaign.status);
  const [error, setError] = useState<string>();
  const control = useMutation({
    mutationFn: (action: 'resume' | 'cancel') => api<Campaign>('POST', `${campaignPath(pageId, campaign.id)}/${action}`),
    onSuccess: () => {
      setError(undefined);
      void queryClient.invalidateQueries({ queryKey: ['campaign', pageId, campaign.id] });
      void queryClient.invalidateQueries({ queryKey: ['campaigns', pageId] });
    },
    onError: (e) => setError(errorText(t, e)),
  });
  const o = results.data?.optOuts;
  const pausedNow = campaign.status === 'paused' && campaign.pause?.reason === OPT_OUT_PAUSE;
  if (!pausedNow) {
    if (!o?.pausedForRate) return null;
    return <Alert type="info" showIcon message={t('results.optOutPause.resumed')} data-testid="opt-out-notice" />;
  }
  const pct = percent(locale);
  return (
    <Alert
      type="warning"
      showIcon
      data-testid="opt-out-notice"
      message={t('results.optOutPause.title')}
      description={
        <Space direction="vertical">
          <span>
            {o
              ? t('results.optOutPause.body', {
                  rate: pct.format(o.rate),
                  count: o.stops + o.unsubscribes,
                  sent: o.sent,
                  limit: pct.format(o.thresholdPercent / 100),
                })
              : t('results.optOutPause.bodyShort')}
          </span>
          <span>{t('results.optOutPause.what')}</span>
          {error && <Typography.Text type="danger">{error}</Typography.Text>}
          <Space wrap>
            <Button onClick={() => control.mutate('resume')} loading={control.isPending && control.variables === 'resume'}>
              {t('results.optOutPause.resume')}
            </Button>
            <Button danger onClick={() => control.mutate('cancel')} loading={control.isPending && control.variables === 'cancel'}>
              {t('campaigns.cancelCampaign')}
            </Button>
          </Space>
        </Space>
      }
    />
  );
}

/**
 * A campaign's results view, opened from the Campaigns screen: what it earned (or, for a series, its
 * occurrences with theirs), its A/B test, and its results settings. `onOpen` moves to another campaign
 * (an occurrence, or back to its series).
 */
export function CampaignResults({
  pageId,
  campaignId,
  locale,
  onOpen,
  onClose,
}: {
  pageId: string;
  campaignId: string;
  locale: string;
  onOpen: (id: string) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const campaign = useCampaign(pageId, campaignId);
  const c = campaign.data;
  const refresh = () =>
    void Promise.all(
      [['campaign'], ['results'], ['figures'], ['ab-test'], ['occurrences']].map((k) =>
        queryClient.invalidateQueries({ queryKey: [...k, pageId] }),
      ),
    );
  const isSeries = c?.recurrence != null;
  return (
    <Card
      data-testid="campaign-results"
      loading={!c && !campaign.error}
      title={<h3 style={{ margin: 0, fontSize: 16, whiteSpace: 'normal' }}>{t('results.title', { name: c?.name ?? '' })}</h3>}
      extra={
        <Space wrap>
          {c && <CampaignStatusTag status={c.status} />}
          <Button size="small" onClick={refresh}>
            {t('common.refresh')}
          </Button>
          <Button size="small" onClick={onClose}>
            {t('results.close')}
          </Button>
        </Space>
      }
    >
      {campaign.error && <Alert type="error" role="alert" message={errorText(t, campaign.error)} />}
      {c && (
        <Space direction="vertical" style={{ width: '100%' }}>
          {c.occurrence && (
            <Button type="link" style={{ padding: 0 }} onClick={() => onOpen(c.occurrence!.seriesId)}>
              {t('results.occurrences.backToSeries')}
            </Button>
          )}
          <OptOutNotice pageId={pageId} campaign={c} locale={locale} />
          <Tabs
            defaultActiveKey={c.status === 'draft' && !isSeries ? 'ab' : 'results'}
            items={[
              {
                key: 'results',
                label: t('results.tabs.results'),
                children: isSeries ? (
                  <OccurrencesPanel pageId={pageId} series={c} locale={locale} onOpen={onOpen} />
                ) : c.status === 'draft' ? (
                  <Typography.Paragraph>{t('results.draft')}</Typography.Paragraph>
                ) : (
                  <ResultsPanel pageId={pageId} campaign={c} locale={locale} />
                ),
              },
              ...(isSeries
                ? []
                : [{ key: 'ab', label: t('results.tabs.abTest'), children: <AbTestPanel pageId={pageId} campaign={c} locale={locale} /> }]),
              { key: 'settings', label: t('results.tabs.settings'), children: <ResultsSettingsPanel pageId={pageId} campaign={c} /> },
            ]}
          />
        </Space>
      )}
    </Card>
  );
}
