import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, InputNumber, List, Select, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Page } from '../api';
import { showFieldErrors } from '../errors';
import { currencyDigits, money, toMinorUnits } from '../money';
import { tone } from '../tone';

/** What a Page still needs before it can broadcast (Marketing Message API: an ad account, its system user token, a price). */
function missing(page: Page): string[] {
  const needs: string[] = [];
  if (!page.adAccountId) needs.push('needAdAccount');
  if (!page.hasSystemUserToken) needs.push('needSystemToken');
  return needs;
}

/** An ISO 4217 code Intl knows (so its digits are known), in capitals; undefined for anything else. */
function knownCurrency(code: unknown): string | undefined {
  if (typeof code !== 'string' || !/^[A-Za-z]{3}$/.test(code.trim())) return undefined;
  try {
    currencyDigits(code.trim().toUpperCase());
    return code.trim().toUpperCase();
  } catch {
    return undefined;
  }
}

/**
 * The form's values as POST /pages takes them: empty fields left out, and the price typed in the currency's
 * main unit (₱0.90) sent in its minor unit (90), as the API holds every amount.
 */
function pageBody(values: Record<string, unknown>): Record<string, unknown> {
  const body = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== '' && v !== null));
  const currency = knownCurrency(body.currency);
  if (typeof body.pricePerMessage === 'number' && currency) body.pricePerMessage = toMinorUnits(body.pricePerMessage, currency);
  return body;
}

export function PagesScreen({ pages }: { pages: Page[] }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'vi' ? 'vi-VN' : 'en-PH';
  const [form] = Form.useForm();
  const [error, setError] = useState<string>();
  const queryClient = useQueryClient();
  const currency = knownCurrency(Form.useWatch('currency', form));
  const connect = useMutation({
    mutationFn: (values: Record<string, unknown>) => api<Page>('POST', '/pages', pageBody(values)),
    onSuccess: () => {
      form.resetFields();
      setError(undefined);
      void queryClient.invalidateQueries({ queryKey: ['pages'] });
    },
    onError: (e) => setError(showFieldErrors(t, form, e)),
  });
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large">
      <Typography.Title level={2}>{t('pages.title')}</Typography.Title>
      <List
        bordered
        dataSource={pages}
        locale={{ emptyText: t('common.none') }}
        renderItem={(page) => {
          const needs = missing(page);
          return (
            <List.Item>
              <List.Item.Meta
                title={page.name}
                description={
                  <Space wrap>
                    <span>{page.id}</span>
                    <Tag>{page.platform}</Tag>
                    {page.pricePerMessage !== null && (
                      <span data-testid="page-price">
                        {t('pages.perMessage', { price: money(page.pricePerMessage, page.currency, locale) })}
                      </span>
                    )}
                    {page.transferredAt ? (
                      <Tag style={tone('red')}>{t('pages.transferred')}</Tag>
                    ) : needs.length === 0 ? (
                      <Tag style={tone('green')}>{t('pages.ready')}</Tag>
                    ) : (
                      <span>
                        {t('pages.needs')}: {needs.map((n) => t(`pages.${n}`)).join(', ')}
                      </span>
                    )}
                  </Space>
                }
              />
            </List.Item>
          );
        }}
      />
      <Card title={<h3 style={{ margin: 0, fontSize: 16 }}>{t('pages.connect')}</h3>}>
        <Form form={form} layout="vertical" onFinish={(v) => connect.mutate(v)} initialValues={{ platform: 'facebook' }} name="page">
          <Form.Item label={t('pages.name')} name="name" rules={[{ required: true, message: t('rules.isNotEmpty') }]}>
            <Input />
          </Form.Item>
          <Form.Item label={t('pages.id')} name="id" rules={[{ required: true, message: t('rules.isNotEmpty') }]}>
            <Input inputMode="numeric" />
          </Form.Item>
          <Form.Item label={t('pages.platform')} name="platform">
            <Select
              options={[
                { value: 'facebook', label: 'Facebook' },
                { value: 'instagram', label: 'Instagram' },
              ]}
            />
          </Form.Item>
          <Form.Item label={t('pages.token')} name="accessToken" rules={[{ required: true, message: t('rules.isNotEmpty') }]}>
            <Input.Password autoComplete="off" />
          </Form.Item>
          <Form.Item label={t('pages.adAccount')} name="adAccountId">
            <Input />
          </Form.Item>
          <Form.Item label={t('pages.systemUserToken')} name="systemUserToken">
            <Input.Password autoComplete="off" />
          </Form.Item>
          <Form.Item label={t('pages.currency')} name="currency">
            <Input placeholder="PHP" maxLength={3} />
          </Form.Item>
          <Form.Item
            label={currency ? t('pages.priceIn', { currency }) : t('pages.price')}
            name="pricePerMessage"
            extra={t('pages.priceHelp')}
            dependencies={['currency']}
            // A price means nothing without its currency: 0.90 is ₱0.90, not ₫0.90.
            rules={[
              {
                validator: (_, value) =>
                  value === undefined || value === null || knownCurrency(form.getFieldValue('currency'))
                    ? Promise.resolve()
                    : Promise.reject(new Error(t('pages.priceNeedsCurrency'))),
              },
            ]}
          >
            <InputNumber min={0} step={currency ? 10 ** -currencyDigits(currency) : 0.01} style={{ width: '100%' }} />
          </Form.Item>
          {error && <Alert type="error" role="alert" message={error} style={{ marginBottom: 12 }} />}
          <Button type="primary" htmlType="submit" loading={connect.isPending}>
            {t('common.save')}
          </Button>
        </Form>
      </Card>
    </Space>
  );
}
