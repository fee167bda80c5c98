import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Divider, Form, Input, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, session, type Page } from '../api';
import { errorText, showFieldErrors } from '../errors';
import { LanguageSwitch } from '../LanguageSwitch';

/** Sign-in with the shop's API key, checked by one API call; kept in sessionStorage only. */
export function SignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const { t, i18n } = useTranslation();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async ({ apiKey }: { apiKey: string }) => {
    setBusy(true);
    setError(undefined);
    try {
      await api<Page[]>('GET', '/pages', undefined, apiKey.trim());
      session.signIn(apiKey.trim());
      onSignedIn();
    } catch (e) {
      setError(e instanceof ApiError && e.status === 401 ? t('signIn.invalid') : errorText(t, e));
    } finally {
      setBusy(false);
    }
  };
  const demo = useQuery({
    queryKey: ['demo-shop'],
    queryFn: () => api<{ available: boolean }>('GET', '/sandbox/demo-shop', undefined, ''),
  });
  const [demoForm] = Form.useForm();
  const [createdKey, setCreatedKey] = useState<string>();
  const createDemo = async ({ name }: { name: string }) => {
    setBusy(true);
    setError(undefined);
    try {
      const locale = i18n.language === 'vi' ? 'vi-VN' : i18n.language === 'fil' ? 'fil-PH' : 'en-PH';
      const { apiKey } = await api<{ apiKey: string }>('POST', '/sandbox/demo-shop', { name, locale }, '');
      setCreatedKey(apiKey);
    } catch (e) {
      setError(showFieldErrors(t, demoForm, e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main style={{ maxWidth: 420, margin: '10vh auto', padding: 12 }}>
      <Card title={<h1 style={{ fontSize: 20, margin: 0 }}>{t('signIn.title')}</h1>} extra={<LanguageSwitch />}>
        <Form layout="vertical" onFinish={(v: { apiKey: string }) => void submit(v)} requiredMark={false}>
          <Form.Item
            label={t('signIn.apiKey')}
            name="apiKey"
            extra={t('signIn.hint')}
            rules={[{ required: true, message: t('rules.isNotEmpty') }]}
          >
            <Input.Password autoComplete="off" placeholder="mmk_…" />
          </Form.Item>
          <Space direction="vertical" style={{ width: '100%' }}>
            {error && <Alert type="error" role="alert" message={error} />}
            <Button type="primary" htmlType="submit" loading={busy} block>
              {t('signIn.submit')}
            </Button>
          </Space>
        </Form>
        {createdKey && (
          <Alert
            style={{ marginTop: 16 }}
            type="success"
            message={t('signIn.keyOnce')}
            description={
              <Space direction="vertical">
                <Typography.Text code copyable data-testid="demo-key">
                  {createdKey}
                </Typography.Text>
                <Button type="primary" onClick={() => void submit({ apiKey: createdKey })}>
                  {t('signIn.submit')}
                </Button>
              </Space>
            }
          />
        )}
        {demo.data?.available && !createdKey && (
          <>
            <Divider />
            <Typography.Paragraph>{t('signIn.demoHelp')}</Typography.Paragraph>
            <Form form={demoForm} layout="vertical" name="demo" onFinish={(v: { name: string }) => void createDemo(v)} requiredMark={false}>
              <Form.Item label={t('signIn.shopName')} name="name" rules={[{ required: true, message: t('rules.isNotEmpty') }]}>
                <Input />
              </Form.Item>
              <Button htmlType="submit" loading={busy} block>
                {t('signIn.demo')}
              </Button>
            </Form>
          </>
        )}
      </Card>
    </main>
  );
}
