import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Form, Input, InputNumber, Radio, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api';
import { ScrollRegion } from '../ScrollRegion';
import { showFieldErrors } from '../errors';
import { campaignPath, useAbTest, type AbTest, type AbVariantFigures, type CampaignContent, type CampaignDetail } from '../results-api';
import { tone } from '../tone';

const LETTERS = ['A', 'B', 'C'] as const;
/** Variant A is the campaign's own content; the API takes one or two more. */
const MAX_MORE = 2;

type Kind = 'text' | 'card' | 'image';
interface VariantFields {
  kind: Kind;
  text?: string;
  title?: string;
  buttonTitle?: string;
  url?: string;
  imageUrl?: string;
}
interface AbFields {
  variants: VariantFields[];
  testSharePercent?: number;
  testDurationMinutes?: number;
  metric: AbTest['metric'];
}

/** A content as the form edits it: a text, one card with one link button, or an image. */
function toFields(content: CampaignContent): VariantFields {
  if (content.type === 'text') return { kind: 'text', text: content.text };
  if (content.type === 'image') return { kind: 'image', imageUrl: content.imageUrl };
  const card = content.elements[0];
  const button = card?.buttons?.[0];
  return { kind: 'card', title: card?.title, buttonTitle: button?.title, url: button?.url };
}

function toContent(v: VariantFields): CampaignContent {
  if (v.kind === 'text') return { type: 'text', text: v.text ?? '' };
  if (v.kind === 'image') return { type: 'image', imageUrl: v.imageUrl ?? '' };
  return {
    type: 'generic',
    elements: [{ title: v.title ?? '', buttons: [{ type: 'web_url', title: v.buttonTitle ?? '', url: v.url ?? '' }] }],
  };
}

/** The API's field of a variant (`variants.1.elements.0.buttons.0.url`) → the form's (`variants.1.url`). */
function variantFieldNames(): Record<string, string> {
  const names: Record<string, string> = { variants: 'abTest' };
  for (let i = 0; i < MAX_MORE; i++) {
    const at = `variants.${i}`;
    Object.assign(names, {
      [at]: `variants.${i}.kind`,
      [`${at}.type`]: `variants.${i}.kind`,
      [`${at}.text`]: `variants.${i}.text`,
      [`${at}.imageUrl`]: `variants.${i}.imageUrl`,
      [`${at}.elements`]: `variants.${i}.title`,
      [`${at}.elements.0.title`]: `variants.${i}.title`,
      [`${at}.elements.0.buttons.0.title`]: `variants.${i}.buttonTitle`,
      [`${at}.elements.0.buttons.0.url`]: `variants.${i}.url`,
    });
  }
  return names;
}

/** A one-line summary of a content, for variant A and the figures table. */
function contentSummary(content: CampaignContent | { type: string; text?: string; imageUrl?: string }): string {
  if (content.type === 'text' && 'text' in content) return content.text ?? '';
  if (content.type === 'image' && 'imageUrl' in content) return content.imageUrl ?? '';
  if ('elements' in content) {
    const card = content.elements[0];
    const button = card?.buttons?.[0];
    return [card?.title, button && `[${button.title}] ${button.url ?? ''}`].filter(Boolean).join(' · ');
  }
  return content.type;
}

/** 240 → "4 hours" in the user's language (Intl's unit names). */
function durationText(minutes: number, locale: string): string {
  const unit = (n: number, u: 'day' | 'hour' | 'minute'): string =>
    new Intl.NumberFormat(locale, { style: 'unit', unit: u, unitDisplay: 'long' }).format(n);
  const parts = [
    [Math.floor(minutes / 1440), 'day'],
    [Math.floor((minutes % 1440) / 60), 'hour'],
    [minutes % 60, 'minute'],
  ] as const;
  return parts
    .filter(([n]) => n > 0)
    .map(([n, u]) => unit(n, u))
    .join(' ');
}

function FiguresTable({ rows, winner, locale, label }: { rows: AbVariantFigures[]; winner: number | null; locale: string; label: string }) {
  const { t } = useTranslation();
  const pct = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
  return (
    <ScrollRegion label={label}>
      <Table<AbVariantFigures>
        rowKey="variant"
        size="small"
        pagination={false}
        dataSource={rows}
        columns={[
          {
            title: t('results.ab.variantColumn'),
            render: (_, r) => (
              <Space>
                {LETTERS[r.variant]}
                {winner === r.variant && (
                  <Tag style={tone('green')} data-testid="ab-winner">
                    {t('results.ab.winner')}
                  </Tag>
                )}
              </Space>
            ),
          },
          { title: t('results.sent'), dataIndex: 'sent' },
          { title: t('results.clicked'), dataIndex: 'clicked' },
          { title: t('results.orders'), dataIndex: 'orders' },
          { title: t('results.ab.clickRate'), render: (_, r) => pct.format(r.clickRate) },
          { title: t('results.ab.orderRate'), render: (_, r) => pct.format(r.orderRate) },
        ]}
      />
    </ScrollRegion>
  );
}

/** How the test stands: waiting for the audience, running until its decision time, or decided. */
function AbTestState({ test, campaign, locale }: { test: AbTest; campaign: CampaignDetail; locale: string }) {
  const { t } = useTranslation();
  const when = (iso: string) => new Date(iso).toLocaleString(locale);
  const metricName = t(test.metric === 'click_rate' ? 'results.ab.clickRate' : 'results.ab.orderRate');
  const metric = metricName.toLocaleLowerCase(locale);
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="ab-state">
      <Descriptions size="small" column={{ xs: 1, md: 3 }}>
        <Descriptions.Item label={t('results.ab.shareShort')}>{test.testSharePercent} %</Descriptions.Item>
        <Descriptions.Item label={t('results.ab.durationShort')}>{durationText(test.testDurationMinutes, locale)}</Descriptions.Item>
        <Descriptions.Item label={t('results.ab.metric')}>{metricName}</Descriptions.Item>
      </Descriptions>
      <ul style={{ margin: 0, padding: 0, listStyle: 'none' }}>
        {[campaign.content as CampaignContent, ...test.variants].map((c, i) => (
          <li key={i}>
            <Typography.Text strong>{LETTERS[i]}:</Typography.Text> {contentSummary(c)}
          </li>
        ))}
      </ul>
      {test.winner !== null && test.decidedAt ? (
        <Alert
          type="success"
          showIcon
          message={t('results.ab.decided', { letter: LETTERS[test.winner], metric, at: when(test.decidedAt) })}
        />
      ) : test.decideAfter ? (
        <Alert type="info" showIcon message={t('results.ab.running', { metric, at: when(test.decideAfter) })} />
      ) : (
        <Alert type="info" showIcon message={t('results.ab.notSplit')} />
      )}
      <FiguresTable rows={test.figures} winner={test.winner} locale={locale} label={t('results.ab.figures')} />
      {test.decision && (
        <>
          <Typography.Text strong>{t('results.ab.decisionFigures')}</Typography.Text>
          <FiguresTable rows={test.decision} winner={test.winner} locale={locale} label={t('results.ab.decisionFigures')} />
        </>
      )}
    </Space>
  );
}

/** The form of a draft without a test: one text variant, 20 % for 4 hours, judged on clicks. */
const NO_TEST: AbFields = { variants: [{ kind: 'text' }], testSharePercent: 20, testDurationMinutes: 240, metric: 'click_rate' };

function AbTestForm({ pageId, campaign, test, locale }: { pageId: string; campaign: CampaignDetail; test: AbTest | null; locale: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<AbFields>();
  const [error, setError] = useState<string>();
  const [saved, setSaved] = useState(false);
  const minutes = Form.useWatch('testDurationMinutes', form);
  const save = useMutation({
    mutationFn: (v: AbFields) =>
      api<AbTest>('PUT', `${campaignPath(pageId, campaign.id)}/ab-test`, {
        variants: v.variants.map(toContent),
        testSharePercent: v.testSharePercent,
        testDurationMinutes: v.testDurationMinutes,
        metric: v.metric,
      }),
    onSuccess: (next) => {
      setError(undefined);
      setSaved(true);
      queryClient.setQueryData(['ab-test', pageId, campaign.id], next);
    },
    onError: (e) => {
      setSaved(false);
      setError(showFieldErrors(t, form, e, variantFieldNames()));
    },
  });
  const remove = useMutation({
    mutationFn: () => api<void>('DELETE', `${campaignPath(pageId, campaign.id)}/ab-test`),
    onSuccess: () => {
      setError(undefined);
      setSaved(false);
      form.setFieldsValue(NO_TEST);
      queryClient.setQueryData(['ab-test', pageId, campaign.id], null);
    },
    onError: (e) => setError(showFieldErrors(t, form, e)),
  });
  const initial: AbFields = test
    ? {
        variants: test.variants.map(toFields),
        testSharePercent: test.testSharePercent,
        testDurationMinutes: test.testDurationMinutes,
        metric: test.metric,
      }
    : NO_TEST;
  return (
    <Form<AbFields> form={form} layout="vertical" name="abTest" initialValues={initial} onFinish={(v) => save.mutate(v)}>
      <Typography.Paragraph>{t('results.ab.intro')}</Typography.Paragraph>
      <Card size="small" title={t('results.ab.variantA')} style={{ marginBottom: 12 }}>
        <span data-testid="variant-a">{contentSummary(campaign.content)}</span>
      </Card>
      <Form.List name="variants">
        {(fields, { add, remove }) => (
          <>
            {fields.map((field, i) => (
              <VariantCard
                key={field.key}
                index={i}
                name={field.name}
                onRemove={fields.length > 1 ? () => remove(field.name) : undefined}
              />
            ))}
            {fields.length < MAX_MORE && (
              <Button onClick={() => add({ kind: 'text' })} style={{ marginBottom: 12 }}>
                {t('results.ab.addVariant')}
              </Button>
            )}
          </>
        )}
      </Form.List>
      <Space wrap align="start">
        <Form.Item label={t('results.ab.share')} name="testSharePercent" extra={t('results.ab.shareHelp')}>
          <InputNumber style={{ width: 160 }} />
        </Form.Item>
        <Form.Item
          label={t('results.ab.duration')}
          name="testDurationMinutes"
          extra={t('results.ab.durationHelp', {
            duration: typeof minutes === 'number' && minutes > 0 ? durationText(minutes, locale) : '–',
          })}
        >
          <InputNumber style={{ width: 160 }} />
        </Form.Item>
      </Space>
      <Form.Item label={t('results.ab.metric')} name="metric">
        <Radio.Group
          options={[
            { value: 'click_rate', label: t('results.ab.clickRate') },
            { value: 'order_rate', label: t('results.ab.orderRate') },
          ]}
        />
      </Form.Item>
      {error && <Alert type="error" role="alert" message={error} style={{ marginBottom: 12 }} />}
      <Space>
        <Button type="primary" htmlType="submit" loading={save.isPending}>
          {t('results.ab.save')}
        </Button>
        {test && (
          <Button danger onClick={() => remove.mutate()} loading={remove.isPending}>
            {t('results.ab.remove')}
          </Button>
        )}
        {saved && (
          <Typography.Text role="status" data-testid="ab-saved">
            {t('results.ab.saved')}
          </Typography.Text>
        )}
      </Space>
    </Form>
  );
}

function VariantCard({ index, name, onRemove }: { index: number; name: number; onRemove?: () => void }) {
  const { t } = useTranslation();
  const form = Form.useFormInstance<AbFields>();
  const kind = Form.useWatch(['variants', name, 'kind'], form) as Kind | undefined;
  const letter = LETTERS[index + 1];
  return (
    <Card
      size="small"
      title={t('results.ab.variant', { letter })}
      style={{ marginBottom: 12 }}
      extra={
        onRemove && (
          <Button size="small" onClick={onRemove}>
            {t('results.ab.removeVariant', { letter })}
          </Button>
        )
      }
    >
      <Form.Item label={t('results.ab.kind')} name={[name, 'kind']}>
        <Radio.Group
          aria-label={t('results.ab.kindOf', { letter })}
          options={[
            { value: 'text', label: t('results.ab.kindText') },
            { value: 'card', label: t('results.ab.kindCard') },
            { value: 'image', label: t('results.ab.kindImage') },
          ]}
        />
      </Form.Item>
      {kind === 'text' && (
        <Form.Item label={t('results.ab.text', { letter })} name={[name, 'text']}>
          <Input.TextArea autoSize={{ minRows: 2 }} />
        </Form.Item>
      )}
      {kind === 'image' && (
        <Form.Item label={t('results.ab.imageUrl', { letter })} name={[name, 'imageUrl']}>
          <Input />
        </Form.Item>
      )}
      {kind === 'card' && (
        <>
          <Form.Item label={t('results.ab.cardTitle', { letter })} name={[name, 'title']}>
            <Input />
          </Form.Item>
          <Form.Item label={t('results.ab.buttonTitle', { letter })} name={[name, 'buttonTitle']}>
            <Input />
          </Form.Item>
          <Form.Item label={t('results.ab.url', { letter })} name={[name, 'url']}>
            <Input />
          </Form.Item>
        </>
      )}
    </Card>
  );
}

/**
 * The campaign's A/B test: on a draft, its variants (B, C), test share, decision time and metric (PUT
 * …/ab-test, field errors next to their inputs) or its removal (DELETE); once sending, each variant's
 * figures and the winner.
 */
export function AbTestPanel({ pageId, campaign, locale }: { pageId: string; campaign: CampaignDetail; locale: string }) {
  const { t } = useTranslation();
  const test = useAbTest(pageId, campaign.id, campaign.status);
  if (test.isLoading) return <Typography.Text>{t('common.loading')}</Typography.Text>;
  if (campaign.status === 'draft') return <AbTestForm pageId={pageId} campaign={campaign} test={test.data ?? null} locale={locale} />;
  if (!test.data) return <Typography.Paragraph>{t('results.ab.none')}</Typography.Paragraph>;
  return <AbTestState test={test.data} campaign={campaign} locale={locale} />;
}
