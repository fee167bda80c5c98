import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, InputNumber, Space, Typography, type FormInstance } from 'antd';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api';
import { showFieldErrors } from '../errors';
import {
  campaignPath,
  UTM_KEYS,
  useCampaignSettings,
  useShopSettings,
  type CampaignDetail,
  type CampaignResultsSettings,
  type ShopResultsSettings,
  type Utm,
} from '../results-api';

const NUMBER_FIELDS = ['attributionDeliveredHours', 'attributionClickHours', 'optOutPauseThresholdPercent', 'optOutMinSent'] as const;
type NumberField = (typeof NUMBER_FIELDS)[number];
type SettingsFields = Partial<Record<NumberField, number | null>> & { utm?: Utm };

/**
 * The attribution windows and the opt-out auto-pause, one input each. No limits in the browser: the API
 * checks them and its field errors show under the inputs (`source` says whose value it is, campaign only).
 */
function NumberInputs({ source }: { source?: (field: NumberField) => string }) {
  const { t } = useTranslation();
  return (
    <Space wrap align="start">
      {NUMBER_FIELDS.map((f) => (
        <Form.Item
          key={f}
          label={t(`results.settings.${f}`)}
          name={f}
          extra={[t(`results.settings.${f}Help`), source?.(f)].filter(Boolean).join(' · ')}
          style={{ maxWidth: 260 }}
        >
          <InputNumber style={{ width: 160 }} />
        </Form.Item>
      ))}
    </Space>
  );
}

function SaveRow({
  pending,
  saved,
  error,
  testId,
  children,
}: {
  pending: boolean;
  saved: boolean;
  error?: string;
  testId: string;
  /** Other actions, after Save. */
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <>
      {error && <Alert type="error" role="alert" message={error} style={{ marginBottom: 12 }} />}
      <Space wrap>
        <Button type="primary" htmlType="submit" loading={pending}>
          {t('common.save')}
        </Button>
        {children}
        {saved && (
          <Typography.Text role="status" data-testid={testId}>
            {t('results.settings.saved')}
          </Typography.Text>
        )}
      </Space>
    </>
  );
}

/** What the panel tells a form: whether its last save went through, and how to say it did (or did not). */
interface SavedState {
  saved: boolean;
  onSaved: (saved: boolean) => void;
}

/**
 * A settings form's save: the API's answer kept by `keep`, the panel told, and a refusal shown under the
 * inputs it names (the rest above Save). Both forms save this way; they differ in what they PUT and keep.
 */
function useSettingsSave<Body, Answer>(
  form: FormInstance<SettingsFields>,
  onSaved: SavedState['onSaved'],
  put: (body: Body) => Promise<Answer>,
  keep: (next: Answer) => void,
) {
  const { t } = useTranslation();
  const [error, setError] = useState<string>();
  const save = useMutation({
    mutationFn: put,
    onSuccess: (next) => {
      setError(undefined);
      onSaved(true);
      keep(next);
    },
    onError: (e) => {
      onSaved(false);
      setError(showFieldErrors(t, form, e));
    },
  });
  return { save, error };
}

/** The campaign's own values (PUT …/results-settings): only the inputs changed here are sent, the rest stays the shop's. */
function CampaignSettingsForm({
  pageId,
  campaignId,
  settings,
  saved,
  onSaved,
}: { pageId: string; campaignId: string; settings: CampaignResultsSettings } & SavedState) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<SettingsFields>();
  const path = `${campaignPath(pageId, campaignId)}/results-settings`;
  const keep = (next: CampaignResultsSettings): void => {
    queryClient.setQueryData(['results-settings', pageId, campaignId], next);
    void queryClient.invalidateQueries({ queryKey: ['results', pageId, campaignId] });
  };
  const { save, error } = useSettingsSave(form, onSaved, (body: object) => api<CampaignResultsSettings>('PUT', path, body), keep);
  // DELETE …/results-settings: the campaign drops its own values and follows the shop's (or its series') again.
  const { save: reset, error: resetError } = useSettingsSave(form, onSaved, () => api<CampaignResultsSettings>('DELETE', path), keep);
  const submit = (v: SettingsFields): void => {
    const body: Record<string, unknown> = {};
    for (const f of NUMBER_FIELDS) if (form.isFieldTouched(f) && typeof v[f] === 'number') body[f] = v[f];
    // UTM is replaced as a whole (an empty object removes it); empty inputs are left out.
    if (UTM_KEYS.some((k) => form.isFieldTouched(['utm', k])))
      body.utm = Object.fromEntries(UTM_KEYS.flatMap((k) => (v.utm?.[k]?.trim() ? [[k, v.utm[k]!.trim()]] : [])));
    save.mutate(body);
  };
  const own = new Set(settings.overrides);
  return (
    <Form<SettingsFields>
      form={form}
      layout="vertical"
      name="campaignSettings"
      initialValues={{
        ...Object.fromEntries(NUMBER_FIELDS.map((f) => [f, settings[f]])),
        utm: Object.fromEntries(UTM_KEYS.map((k) => [k, settings.utm?.[k] ?? ''])),
      }}
      onFinish={submit}
    >
      <NumberInputs source={(f) => t(own.has(f) ? 'results.settings.own' : 'results.settings.inherited')} />
      <Typography.Text strong>{t('results.settings.utm')}</Typography.Text>
      <Typography.Paragraph type="secondary">{t('results.settings.utmHelp')}</Typography.Paragraph>
      <Space wrap align="start">
        {UTM_KEYS.map((k) => (
          <Form.Item key={k} label={`utm_${k}`} name={['utm', k]}>
            <Input style={{ width: 180 }} />
          </Form.Item>
        ))}
      </Space>
      <SaveRow pending={save.isPending} saved={saved} error={error ?? resetError} testId="campaign-settings-saved">
        {own.size > 0 && (
          <Button onClick={() => reset.mutate(undefined)} loading={reset.isPending}>
            {t('results.settings.useShop')}
          </Button>
        )}
      </SaveRow>
    </Form>
  );
}

/** The shop's defaults (PUT /results-settings), used by every campaign that does not set its own. */
function ShopSettingsForm({ settings, saved, onSaved }: { settings: ShopResultsSettings } & SavedState) {
  const queryClient = useQueryClient();
  const [form] = Form.useForm<SettingsFields>();
  const { save, error } = useSettingsSave(
    form,
    onSaved,
    (v: SettingsFields) =>
      api<ShopResultsSettings>(
        'PUT',
        '/results-settings',
        Object.fromEntries(NUMBER_FIELDS.flatMap((f) => (typeof v[f] === 'number' ? [[f, v[f]]] : []))),
      ),
    (next) => {
      queryClient.setQueryData(['results-settings'], next);
      // Every campaign that does not set its own values now shows these.
      void queryClient.invalidateQueries({ queryKey: ['results-settings'], predicate: (q) => q.queryKey.length > 1 });
      void queryClient.invalidateQueries({ queryKey: ['results'] });
    },
  );
  return (
    <Form<SettingsFields> form={form} layout="vertical" name="shopSettings" initialValues={settings} onFinish={(v) => save.mutate(v)}>
      <NumberInputs />
      <SaveRow pending={save.isPending} saved={saved} error={error} testId="shop-settings-saved" />
    </Form>
  );
}

/** Results settings: this campaign's own (not for a series: each occurrence has its own) and the shop's defaults. */
export function ResultsSettingsPanel({ pageId, campaign }: { pageId: string; campaign: CampaignDetail }) {
  const { t } = useTranslation();
  const isSeries = campaign.recurrence !== null;
  const own = useCampaignSettings(pageId, campaign.id, !isSeries);
  const shop = useShopSettings();
  // Here, not in the forms: a save re-mounts its form with the values the API answered.
  const [saved, setSaved] = useState<'campaign' | 'shop'>();
  const savedFlag = (which: 'campaign' | 'shop') => (ok: boolean) => setSaved(ok ? which : undefined);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Card size="small" title={<h4 style={{ margin: 0, fontSize: 15 }}>{t('results.settings.campaignTitle')}</h4>}>
        {isSeries ? (
          <Typography.Paragraph>{t('results.settings.series')}</Typography.Paragraph>
        ) : own.data ? (
          <CampaignSettingsForm
            key={JSON.stringify(own.data)}
            pageId={pageId}
            campaignId={campaign.id}
            settings={own.data}
            saved={saved === 'campaign'}
            onSaved={savedFlag('campaign')}
          />
        ) : (
          <Typography.Text>{t('common.loading')}</Typography.Text>
        )}
      </Card>
      <Card size="small" title={<h4 style={{ margin: 0, fontSize: 15 }}>{t('results.settings.shopTitle')}</h4>}>
        <Typography.Paragraph type="secondary">{t('results.settings.shopHelp')}</Typography.Paragraph>
        {shop.data ? (
          <ShopSettingsForm key={JSON.stringify(shop.data)} settings={shop.data} saved={saved === 'shop'} onSaved={savedFlag('shop')} />
        ) : (
          <Typography.Text>{t('common.loading')}</Typography.Text>
        )}
      </Card>
    </Space>
  );
}
