import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Form, Input, Select, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import { errorText, showFieldErrors } from '../../errors';
import { money } from '../../hooks';
import type { Customer } from './api';

/** The API names a bad tag `tags.3`; the form has one input for them all. */
const TAG_FIELDS = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`tags.${i}`, 'tags']));

/** One customer's order summary (from the POS's order events) and tags, which can be changed here. */
function CustomerCard({ pageId, customer, locale }: { pageId: string; customer: Customer; locale: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<{ tags: string[] }>();
  const [error, setError] = useState<string>();
  const [saved, setSaved] = useState(false);
  useEffect(() => form.setFieldsValue({ tags: customer.tags }), [form, customer.tags]);
  const saveTags = useMutation({
    mutationFn: ({ tags }: { tags: string[] }) => api<Customer>('PUT', `/pages/${pageId}/customers/${customer.psid}/tags`, { tags }),
    onSuccess: (c) => {
      setError(undefined);
      setSaved(true);
      queryClient.setQueryData(['customer', pageId, c.psid], c);
    },
    onError: (e) => setError(showFieldErrors(t, form, e, TAG_FIELDS)),
  });
  const o = customer.orders;
  const date = (iso: string | null) => (iso ? new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(new Date(iso)) : '–');
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="customer">
      {o ? (
        <Descriptions size="small" column={{ xs: 1, md: 2 }} bordered>
          <Descriptions.Item label={t('audience.customer.orders')}>
            <span data-testid="customer-orders">{o.ordersCount}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t('audience.customer.spent')}>
            <span data-testid="customer-spent">{money(o.totalSpent, o.currency, locale)}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t('audience.customer.firstOrder')}>{date(o.firstOrderAt)}</Descriptions.Item>
          <Descriptions.Item label={t('audience.customer.lastOrder')}>{date(o.lastOrderAt)}</Descriptions.Item>
          <Descriptions.Item label={t('audience.customer.lastStatus')}>
            {o.lastStatus ? t(`audience.orderStatus.${o.lastStatus}`, { defaultValue: o.lastStatus }) : '–'}
            {o.lastOrderId && ` (${o.lastOrderId})`}
          </Descriptions.Item>
        </Descriptions>
      ) : (
        <Typography.Text>{t('audience.customer.noOrders')}</Typography.Text>
      )}
      <Form form={form} layout="vertical" name="tags" initialValues={{ tags: customer.tags }} onFinish={(v) => saveTags.mutate(v)}>
        <Form.Item label={t('audience.customer.tags')} name="tags" extra={t('audience.customer.tagsHelp')}>
          <Select mode="tags" tokenSeparators={[',']} open={false} suffixIcon={null} onChange={() => setSaved(false)} />
        </Form.Item>
        {error && <Alert type="error" role="alert" message={error} style={{ marginBottom: 12 }} />}
        <Space>
          <Button htmlType="submit" loading={saveTags.isPending}>
            {t('audience.customer.saveTags')}
          </Button>
          {saved && <Typography.Text role="status">{t('audience.customer.tagsSaved')}</Typography.Text>}
        </Space>
      </Form>
    </Space>
  );
}

/** Look a customer of the Page up by PSID: what segments see of them, and their tags. */
export function CustomerLookup({ pageId, locale }: { pageId: string; locale: string }) {
  const { t } = useTranslation();
  const [psid, setPsid] = useState<string>();
  const customer = useQuery({
    queryKey: ['customer', pageId, psid],
    enabled: !!psid,
    queryFn: () => api<Customer>('GET', `/pages/${pageId}/customers/${encodeURIComponent(psid!)}`),
    retry: false,
  });
  return (
    <Card title={<h3 style={{ margin: 0, fontSize: 16 }}>{t('audience.customer.title')}</h3>}>
      <Form layout="vertical" name="lookup" onFinish={(v: { psid: string }) => setPsid(v.psid.trim())}>
        <Space wrap align="end">
          <Form.Item label={t('audience.customer.psid')} name="psid" rules={[{ required: true, message: t('rules.isNotEmpty') }]}>
            <Input style={{ width: 220 }} inputMode="numeric" />
          </Form.Item>
          <Form.Item>
            <Button htmlType="submit" loading={customer.isFetching}>
              {t('audience.customer.lookUp')}
            </Button>
          </Form.Item>
        </Space>
      </Form>
      {customer.error && <Alert type="error" role="alert" message={errorText(t, customer.error)} />}
      {customer.data && <CustomerCard key={customer.data.psid} pageId={pageId} customer={customer.data} locale={locale} />}
    </Card>
  );
}
