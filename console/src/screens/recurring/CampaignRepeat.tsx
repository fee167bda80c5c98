import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Checkbox,
  DatePicker,
  Descriptions,
  Form,
  InputNumber,
  Radio,
  Select,
  Space,
  Table,
  Tag,
  TimePicker,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Campaign, type Page } from '../../api';
import { showFieldErrors } from '../../errors';
import { usePages } from '../../hooks';
import { tone } from '../../tone';
import { audienceFieldsOf, type Recurrence } from '../audience/api';
import { CampaignStatusTag } from '../CampaignStatusTag';
import {
  describeRule,
  formatDay,
  monthNames,
  nextDates,
  ruleOf,
  WEEKDAYS,
  weekdayNames,
  type RepeatPreset,
  type WeekdayCode,
} from './recurrence';

interface RepeatForm {
  kind: RepeatPreset['kind'];
  month?: number;
  day?: number;
  monthDay?: number;
  weekdays?: WeekdayCode[];
  time?: Dayjs;
  mode: Recurrence['mode'];
  /** The first day a date may fall on; none: today (the server's, in the Page's zone). */
  from?: Dayjs;
}

const presetOfForm = (v: RepeatForm): RepeatPreset | undefined => {
  if (v.kind === 'yearly')
    return v.month && v.day !== undefined && v.day !== null ? { kind: 'yearly', month: v.month, day: v.day } : undefined;
  if (v.kind === 'monthly') return v.monthDay ? { kind: 'monthly', day: v.monthDay } : undefined;
  return v.weekdays?.length ? { kind: 'weekly', weekdays: v.weekdays } : undefined;
};

/** Today (YYYY-MM-DD) in `zone`, the day the API starts a series on when given no `from`. */
function todayIn(zone: string | undefined): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  } catch {
    return new Date().toISOString().slice(0, 10);
  }
}

/** "at 09:00, in each subscriber's own time" / "at 09:00 Asia/Ho_Chi_Minh time, for everyone". */
const timeText = (t: TFunction, r: Pick<Recurrence, 'time' | 'mode' | 'fallbackTimezone'>, zone?: string) =>
  r.mode === 'local' ? t('repeat.atLocal', { time: r.time }) : t('repeat.atPage', { time: r.time, zone: r.fallbackTimezone ?? zone });

/** Makes a draft a series: a preset (yearly on a date, monthly on a day, weekly on days), the time, and whose clock. */
function RepeatFormCard({ pageId, campaign, page, locale }: { pageId: string; campaign: Campaign; page?: Page; locale: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<RepeatForm>();
  const [error, setError] = useState<string>();
  const values = Form.useWatch((v: RepeatForm) => v, form);
  const repeat = useMutation({
    mutationFn: (v: RepeatForm) =>
      api<Campaign>('POST', `/pages/${pageId}/campaigns/${campaign.id}/repeat`, {
        rule: ruleOf(presetOfForm(v)!),
        time: v.time?.format('HH:mm'),
        mode: v.mode,
        ...(v.from && { from: v.from.format('YYYY-MM-DD') }),
      }),
    onSuccess: () => {
      setError(undefined);
      void queryClient.invalidateQueries({ queryKey: ['campaigns', pageId] });
    },
    // The rule's problem (a date that never comes, such as 30 February) goes under the input that made it.
    onError: (e) => {
      const kind = form.getFieldValue('kind') as RepeatForm['kind'];
      setError(
        showFieldErrors(t, form, e, {
          rule: kind === 'yearly' ? 'day' : kind === 'monthly' ? 'monthDay' : 'weekdays',
          fallbackTimezone: 'mode',
        }),
      );
    },
  });
  if (!open)
    return (
      <Button onClick={() => setOpen(true)} data-testid="repeat-open">
        {t('repeat.open')}
      </Button>
    );
  const preset = values && presetOfForm(values);
  const upcoming = preset ? nextDates(ruleOf(preset), values.from?.format('YYYY-MM-DD') ?? todayIn(page?.timezone), 3) : [];
  const months = monthNames(locale);
  const weekdays = weekdayNames(locale);
  return (
    <Card size="small" title={<h4 style={{ margin: 0, fontSize: 15 }}>{t('repeat.title')}</h4>} data-testid="repeat-form">
      <Form
        form={form}
        layout="vertical"
        name="repeat"
        initialValues={{ kind: 'yearly', monthDay: 1, time: dayjs().hour(9).minute(0).second(0), mode: 'local' }}
        onFinish={(v) => repeat.mutate(v)}
      >
        <Form.Item label={t('repeat.kind')} name="kind">
          <Radio.Group
            optionType="button"
            options={[
              { value: 'yearly', label: t('repeat.yearly') },
              { value: 'monthly', label: t('repeat.monthly') },
              { value: 'weekly', label: t('repeat.weekly') },
            ]}
          />
        </Form.Item>
        {values?.kind === 'yearly' && (
          <Space wrap align="start">
            <Form.Item label={t('repeat.month')} name="month" rules={[{ required: true, message: t('rules.isNotEmpty') }]}>
              <Select style={{ minWidth: 160 }} virtual={false} options={months.map((label, m) => ({ value: m + 1, label }))} />
            </Form.Item>
            <Form.Item label={t('repeat.day')} name="day" rules={[{ required: true, message: t('rules.isNotEmpty') }]}>
              <InputNumber precision={0} min={1} max={31} />
            </Form.Item>
          </Space>
        )}
        {values?.kind === 'monthly' && (
          <Form.Item label={t('repeat.monthDay')} name="monthDay" extra={t('repeat.monthDayHelp')}>
            <Select
              style={{ width: 200 }}
              options={[
                ...Array.from({ length: 31 }, (_, i) => ({ value: i + 1, label: String(i + 1) })),
                { value: -1, label: t('repeat.lastDay') },
              ]}
            />
          </Form.Item>
        )}
        {values?.kind === 'weekly' && (
          <Form.Item label={t('repeat.weekdays')} name="weekdays" rules={[{ required: true, message: t('rules.isNotEmpty') }]}>
            <Checkbox.Group options={WEEKDAYS.map((code, i) => ({ value: code, label: weekdays[i] }))} />
          </Form.Item>
        )}
        <Form.Item label={t('repeat.time')} name="time" rules={[{ required: true, message: t('rules.isNotEmpty') }]}>
          <TimePicker format="HH:mm" minuteStep={5} needConfirm={false} />
        </Form.Item>
        <Form.Item label={t('repeat.from')} name="from">
          <DatePicker placeholder={t('repeat.today')} />
        </Form.Item>
        <Form.Item label={t('repeat.whoseClock')} name="mode">
          <Radio.Group
            style={{ display: 'flex', flexDirection: 'column', gap: 4 }}
            options={[
              { value: 'local', label: t('repeat.modeLocal') },
              { value: 'page', label: t('repeat.modePage', { zone: page?.timezone ?? '' }) },
            ]}
          />
        </Form.Item>
        {upcoming.length > 0 && (
          <Typography.Paragraph data-testid="repeat-preview">
            {t('repeat.nextDates')}: {upcoming.map((d) => formatDay(d, locale)).join(' · ')}
          </Typography.Paragraph>
        )}
        {error && <Alert type="error" role="alert" message={error} style={{ marginBottom: 12 }} />}
        <Space wrap>
          <Button type="primary" htmlType="submit" loading={repeat.isPending}>
            {t('repeat.submit')}
          </Button>
          <Button onClick={() => setOpen(false)}>{t('common.cancel')}</Button>
        </Space>
      </Form>
    </Card>
  );
}

/** A series: its rule in words, its next dates, and the occurrences made so far with their status. */
function SeriesPanel({
  pageId,
  campaign,
  recurrence,
  page,
  locale,
}: {
  pageId: string;
  campaign: Campaign;
  recurrence: Recurrence;
  page?: Page;
  locale: string;
}) {
  const { t } = useTranslation();
  const occurrences = useQuery({
    queryKey: ['occurrences', campaign.id],
    queryFn: () => api<Campaign[]>('GET', `/pages/${pageId}/campaigns/${campaign.id}/occurrences`),
    // Occurrences are made by the server's scheduler, hours before each date: looked for again while the series runs.
    refetchInterval: campaign.status === 'scheduled' ? 5000 : false,
  });
  const dateOf = (c: Campaign) => audienceFieldsOf(c).occurrence?.date ?? '';
  const latest = (occurrences.data ?? []).map(dateOf).sort().at(-1);
  const upcoming = campaign.status === 'canceled' ? [] : nextDates(recurrence.rule, recurrence.from, 3, latest);
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="series">
      <Descriptions size="small" column={1} title={t('repeat.series')}>
        <Descriptions.Item label={t('repeat.repeats')}>
          <span data-testid="series-rule">
            {describeRule(t, recurrence.rule, locale)}, {timeText(t, recurrence, page?.timezone)}
          </span>
        </Descriptions.Item>
        <Descriptions.Item label={t('repeat.nextDates')}>
          <span data-testid="series-next">{upcoming.length ? upcoming.map((d) => formatDay(d, locale)).join(' · ') : '–'}</span>
        </Descriptions.Item>
      </Descriptions>
      <Typography.Text type="secondary">{t('repeat.howItRuns')}</Typography.Text>
      <Table<Campaign>
        rowKey="id"
        size="small"
        data-testid="occurrences"
        loading={occurrences.isLoading}
        dataSource={occurrences.data ?? []}
        pagination={false}
        scroll={{ x: true }}
        locale={{ emptyText: t('repeat.noOccurrences') }}
        title={() => <strong>{t('repeat.occurrences')}</strong>}
        columns={[
          { title: t('repeat.date'), render: (_, c) => formatDay(dateOf(c), locale) },
          { title: t('common.status'), render: (_, c) => <CampaignStatusTag status={c.status} /> },
          { title: t('campaigns.audience'), render: (_, c) => c.audienceSize ?? '–' },
          { title: t('campaigns.sent'), render: (_, c) => (c as Campaign & { cost: { sent: number } }).cost.sent },
        ]}
      />
    </Space>
  );
}

/**
 * Repeat in a campaign's card: for a draft, the form that makes it a series; for a series, its rule, next
 * dates and occurrences; for an occurrence, the date it is of.
 */
export function CampaignRepeat({ pageId, campaign, locale }: { pageId: string; campaign: Campaign; locale: string }) {
  const { t } = useTranslation();
  const page = usePages().data?.find((p) => p.id === pageId);
  const { recurrence, occurrence } = audienceFieldsOf(campaign);
  if (occurrence) return <Typography.Text>{t('repeat.occurrenceOf', { date: formatDay(occurrence.date, locale) })}</Typography.Text>;
  if (recurrence) return <SeriesPanel pageId={pageId} campaign={campaign} recurrence={recurrence} page={page} locale={locale} />;
  if (campaign.status === 'draft') return <RepeatFormCard pageId={pageId} campaign={campaign} page={page} locale={locale} />;
  return null;
}

/** Beside a campaign's name in the list: "Repeats" for a series. */
export function RepeatTag({ campaign, locale }: { campaign: Campaign; locale: string }) {
  const { t } = useTranslation();
  const { recurrence } = audienceFieldsOf(campaign);
  if (!recurrence) return null;
  return (
    <Tag style={{ ...tone('blue'), marginLeft: 8 }} data-testid="repeat-tag">
      {t('repeat.tag', { rule: describeRule(t, recurrence.rule, locale) })}
    </Tag>
  );
}
