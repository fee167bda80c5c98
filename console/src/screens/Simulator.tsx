import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Input, InputNumber, List, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type SandboxState } from '../api';
import { errorText, showFieldErrors } from '../errors';
import { useSandbox } from '../hooks';
import { tone } from '../tone';

interface Received {
  source: string;
  type: string;
  time: number;
  message: Record<string, unknown>;
}

/** A short text for what the customer received: the message text, or the opt-in button's title. */
function describe(item: Received): string {
  const m = item.message as {
    text?: string;
    attachment?: { payload?: { title?: string; text?: string; elements?: Array<{ title?: string }> } };
  };
  return m.text ?? m.attachment?.payload?.title ?? m.attachment?.payload?.text ?? m.attachment?.payload?.elements?.[0]?.title ?? item.type;
}

function DemoWarmUp({ state }: { state: SandboxState }) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const [error, setError] = useState<string>();
  const queryClient = useQueryClient();
  const apply = useMutation({
    mutationFn: (v: { warmUpSeconds: number }) => api<SandboxState>('PUT', '/sandbox/warm-up', v),
    onSuccess: () => {
      setError(undefined);
      void queryClient.invalidateQueries({ queryKey: ['sandbox'] });
    },
    onError: (e) => setError(showFieldErrors(t, form, e)),
  });
  return (
    <Card title={<h3 style={{ margin: 0, fontSize: 16 }}>{t('simulator.demoTitle')}</h3>} style={{ borderColor: '#fa8c16' }}>
      <Typography.Paragraph>{t('simulator.demoHelp')}</Typography.Paragraph>
      <Tag style={tone(state.demo ? 'orange' : 'default')} data-testid="warm-up-state">
        {state.demo ? t('simulator.demoOn', { seconds: state.warmUpMs / 1000 }) : t('simulator.demoOff')}
      </Tag>
      <Form
        form={form}
        layout="inline"
        name="warmup"
        onFinish={(v) => apply.mutate(v)}
        initialValues={{ warmUpSeconds: 10 }}
        style={{ marginTop: 12 }}
      >
        <Form.Item label={t('simulator.demoSeconds')} name="warmUpSeconds">
          <InputNumber min={5} max={3600} />
        </Form.Item>
        <Button htmlType="submit" loading={apply.isPending}>
          {t('simulator.apply')}
        </Button>
      </Form>
      {error && <Alert type="error" role="alert" message={error} style={{ marginTop: 12 }} />}
    </Card>
  );
}

/** Sandbox only: play a customer of the Page (write, tap the MM button, STOP, RESUME) and see what they received. */
export function SimulatorScreen({ pageId }: { pageId?: string }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const sandbox = useSandbox();
  const [psid, setPsid] = useState('900000001');
  const [text, setText] = useState('Hi! Is the blue dress in stock?');
  const [error, setError] = useState<string>();
  const inbox = useQuery({
    queryKey: ['received', pageId, psid],
    enabled: Boolean(pageId && sandbox.data?.sandbox && /^\d+$/.test(psid)),
    queryFn: () => api<Received[]>('GET', `/sandbox/pages/${pageId}/customer/received?psid=${psid}`),
    refetchInterval: 2000,
  });
  const act = useMutation({
    mutationFn: ({ action, body }: { action: string; body: object }) => api('POST', `/sandbox/pages/${pageId}/customer/${action}`, body),
    onSuccess: () => {
      setError(undefined);
      void message.success(t('simulator.done'));
      void inbox.refetch();
    },
    onError: (e) => setError(errorText(t, e)),
  });
  if (!sandbox.data) return null;
  if (!sandbox.data.sandbox) return <Alert type="info" message={t('simulator.notSandbox')} />;
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large">
      <Typography.Title level={2}>{t('simulator.title')}</Typography.Title>
      <Typography.Paragraph>{t('simulator.intro')}</Typography.Paragraph>
      {pageId && (
        <Card>
          <Space direction="vertical" style={{ width: '100%' }}>
            <label htmlFor="sim-psid">{t('simulator.person')}</label>
            <Input id="sim-psid" value={psid} onChange={(e) => setPsid(e.target.value)} inputMode="numeric" style={{ maxWidth: 240 }} />
            <label htmlFor="sim-text">{t('simulator.message')}</label>
            <Input id="sim-text" value={text} onChange={(e) => setText(e.target.value)} />
            <Space wrap>
              <Button type="primary" onClick={() => act.mutate({ action: 'message', body: { psid, text } })}>
                {t('simulator.write')}
              </Button>
              <Button onClick={() => act.mutate({ action: 'optin', body: { psid } })}>{t('simulator.tap')}</Button>
              <Button onClick={() => act.mutate({ action: 'stop', body: { psid } })}>{t('simulator.stop')}</Button>
              <Button onClick={() => act.mutate({ action: 'resume', body: { psid } })}>{t('simulator.resume')}</Button>
            </Space>
            {error && <Alert type="error" role="alert" message={error} />}
            <Typography.Text strong>{t('simulator.inbox')}</Typography.Text>
            <List
              size="small"
              bordered
              dataSource={inbox.data ?? []}
              locale={{ emptyText: t('common.none') }}
              renderItem={(item) => (
                <List.Item>
                  <Space wrap>
                    <Tag>{item.type}</Tag>
                    <span>{describe(item)}</span>
                  </Space>
                </List.Item>
              )}
              data-testid="inbox"
            />
          </Space>
        </Card>
      )}
      <DemoWarmUp state={sandbox.data} />
    </Space>
  );
}
