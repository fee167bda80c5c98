import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, InputNumber, List, Select, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Page } from '../api';
import { showFieldErrors } from '../errors';
import { currencyDigits, money } from '../money';
import { pageBody, pageCurrency, typedCurrency } from '../page-body';
import { useShop } from './audience/api';
import { tone } from '../tone';

/** What a Page still needs before it can broadcast (Marketing Message API: an ad account, its system user token, a price). */
function missing(page: Page): string[] {
  const needs: string[] = [];
  if (!page.adAccountId) needs.push('needAdAccount');
  if (!page.hasSystemUserToken) needs.push('needSystemToken');
  return needs;
}

export function PagesScreen({ pages }: { pages: Page[] }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'vi' ? 'vi-VN' : 'en-PH';
  const [form] = Form.useForm();
  const [error, setError] = useState<string>();
  const queryClient = useQueryClient();
  const shop = useShop();
  const typed: unknown = Form.useWatch('currency', form);
  // With no currency typed, the API's own default: the shop's currency when Meta lists it, else PHP.
  const fallback = pageCurrency(undefined, shop.data?.currency);
  const currency = pageCurrency(typed, fallback);
  const connect = useMutation({
    mutationFn: (values: Record<string, unknown>) => api<Page>('POST', '/pages', pageBody(values, fallback)),
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
          <Form.Item
            label={t('pages.currency')}
            name="currency"
            extra={fallback && t('pages.currencyHelp', { currency: fallback })}
            rules={[
              {
                validator: (_, value) =>
                  typedCurrency(value) === undefined || pageCurrency(value, fallback) !== undefined
                    ? Promise.resolve()
                    : Promise.reject(new Error(t('pages.notMetaCurrency'))),
              },
            ]}
          >
            <Input maxLength={3} style={{ textTransform: 'uppercase' }} />
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
                  value === undefined || value === null || pageCurrency(form.getFieldValue('currency'), fallback)
                    ? Promise.resolve()
                    : Promise.reject(new Error(t('pages.priceNeedsCurrency'))),
              },
            ]}
          >
            <InputNumber
              min={0}
              precision={currency ? currencyDigits(currency) : undefined}
              step={currency ? 10 ** -currencyDigits(currency) : 0.01}
              style={{ width: '100%' }}
            />
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
