import { Alert, Button, Card, Form, Input, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, session, type Page } from '../api';
import { errorText } from '../errors';
import { LanguageSwitch } from '../LanguageSwitch';

/** Sign-in with the shop's API key, checked by one API call; kept in sessionStorage only. */
export function SignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const { t } = useTranslation();
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
  return (
    <main style={{ maxWidth: 420, margin: '10vh auto', padding: 12 }}>
      <Card title={<h1 style={{ fontSize: 20, margin: 0 }}>{t('signIn.title')}</h1>} extra={<LanguageSwitch />}>
        <Form layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item label={t('signIn.apiKey')} name="apiKey" extra={t('signIn.hint')} rules={[{ required: true, message: t('rules.isNotEmpty') }]}>
            <Input.Password autoComplete="off" placeholder="mmk_…" />
          </Form.Item>
          <Space direction="vertical" style={{ width: '100%' }}>
            {error && <Alert type="error" role="alert" message={error} />}
            <Button type="primary" htmlType="submit" loading={busy} block>
              {t('signIn.submit')}
            </Button>
          </Space>
        </Form>
      </Card>
    </main>
  );
}
