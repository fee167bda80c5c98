import { Collapse, Empty, Radio, Space, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Campaign } from '../api';
import { money } from '../hooks';
import { ScrollRegion } from '../ScrollRegion';
import { useFigures, type Bucket, type FigureBucket } from '../results-api';

/** The bucket's local label (`2026-06-02` or `2026-06-02T09`, already in the Page's zone) in the user's language. */
function bucketLabel(local: string, bucket: Bucket, locale: string): string {
  const [date, hour] = local.split('T');
  const [y, m, d] = date!.split('-').map(Number);
  // The label is a wall time already: format it as UTC so the browser's own zone does not move it.
  const at = new Date(Date.UTC(y!, m! - 1, d!, Number(hour ?? 0)));
  return new Intl.DateTimeFormat(locale, {
    timeZone: 'UTC',
    day: '2-digit',
    month: '2-digit',
    ...(bucket === 'hour' && { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
  }).format(at);
}

/** The number of digits of the currency's minor unit, as Intl knows them (VND 0, PHP 2). */
function minorDigits(currency: string, locale: string): number {
  return new Intl.NumberFormat(locale, { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

const COLORS = { sends: '#0958d9', reads: '#389e0d', clicks: '#d46b08', orders: '#c41d7f', revenue: '#531dab' };

/**
 * A campaign's activity over time from GET …/figures: sends (bars), reads, clicks and orders (lines) per
 * local hour or day of the Page's zone, and the revenue on its own chart (its own unit), with the same
 * figures as a table for screen readers and exact numbers.
 */
export function FiguresChart({
  pageId,
  campaignId,
  status,
  locale,
  bucket,
  onBucket,
}: {
  pageId: string;
  campaignId: string;
  status: Campaign['status'];
  locale: string;
  bucket: Bucket;
  onBucket: (b: Bucket) => void;
}) {
  const { t } = useTranslation();
  const figures = useFigures(pageId, campaignId, bucket, status);
  const currency = figures.data?.revenueCurrency ?? 'PHP';
  const digits = minorDigits(currency, locale);
  const data = (figures.data?.buckets ?? []).map((b) => ({
    ...b,
    label: bucketLabel(b.local, bucket, locale),
    revenueMain: b.revenue / 10 ** digits,
  }));
  const compact = new Intl.NumberFormat(locale, { style: 'currency', currency, notation: 'compact' });
  const series = ['sends', 'reads', 'clicks', 'orders'] as const;
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="figures">
      <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('results.chart.title')}
        </Typography.Title>
        <Radio.Group
          aria-label={t('results.chart.title')}
          optionType="button"
          size="small"
          value={bucket}
          onChange={(e) => onBucket(e.target.value as Bucket)}
          options={[
            { value: 'hour', label: t('results.chart.hour') },
            { value: 'day', label: t('results.chart.day') },
          ]}
        />
      </Space>
      {figures.data && <Typography.Text type="secondary">{t('results.chart.zone', { timezone: figures.data.timezone })}</Typography.Text>}
      {data.length === 0 ? (
        <Empty description={t('results.chart.empty')} image={Empty.PRESENTED_IMAGE_SIMPLE} />
      ) : (
        <>
          <div style={{ width: '100%', height: 240 }} role="img" aria-label={t('results.chart.activityLabel')} data-testid="activity-chart">
            <ResponsiveContainer>
              <ComposedChart data={data}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="label" />
                <YAxis allowDecimals={false} />
                <Tooltip />
                <Legend />
                <Bar dataKey="sends" name={t('results.chart.sends')} fill={COLORS.sends} isAnimationActive={false} />
                {series.slice(1).map((k) => (
                  <Line key={k} type="monotone" dataKey={k} name={t(`results.chart.${k}`)} stroke={COLORS[k]} isAnimationActive={false} />
                ))}
              </ComposedChart>
            </ResponsiveContainer>
          </div>
          {data.some((b) => b.revenue > 0) ? (
            <div style={{ width: '100%', height: 180 }} role="img" aria-label={t('results.chart.revenueLabel')} data-testid="revenue-chart">
              <ResponsiveContainer>
                <BarChart data={data}>
                  <CartesianGrid strokeDasharray="3 3" />
                  <XAxis dataKey="label" />
                  <YAxis tickFormatter={(v: number) => compact.format(v)} width={70} />
                  <Tooltip formatter={(_v, _n, item) => money((item.payload as FigureBucket).revenue, currency, locale)} />
                  <Bar dataKey="revenueMain" name={t('results.chart.revenue')} fill={COLORS.revenue} isAnimationActive={false} />
                </BarChart>
              </ResponsiveContainer>
            </div>
          ) : (
            <Typography.Text type="secondary">{t('results.chart.noRevenue')}</Typography.Text>
          )}
          <Collapse
            size="small"
            items={[
              {
                key: 'table',
                label: t('results.chart.table'),
                children: (
                  <ScrollRegion label={t('results.chart.table')}>
                    <Table
                      rowKey="local"
                      size="small"
                      data-testid="figures-table"
                      dataSource={data}
                      pagination={{ pageSize: 24, hideOnSinglePage: true }}
                      columns={[
                        { title: t('results.chart.bucket'), dataIndex: 'label' },
                        ...series.map((k) => ({ title: t(`results.chart.${k}`), dataIndex: k, key: k })),
                        {
                          title: t('results.chart.revenue'),
                          key: 'revenue',
                          render: (_: unknown, b: FigureBucket) => money(b.revenue, currency, locale),
                        },
                      ]}
                    />
                  </ScrollRegion>
                ),
              },
            ]}
          />
        </>
      )}
    </Space>
  );
}
