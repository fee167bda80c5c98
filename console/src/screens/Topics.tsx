import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Col, Form, Input, Row, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { META_TEXT_LIMITS, metaTextLength } from '../../../libs/graph-api/src/meta-text';
import { api, type Topic, type TopicCounts } from '../api';
import { showFieldErrors } from '../errors';
import { useTopics } from '../hooks';
import { tone } from '../tone';

const CTA_TEXTS = ['ALLOW', 'GET', 'GET_UPDATES', 'OPT_IN', 'SIGN_UP'] as const;
const CTA_LABEL: Record<string, string> = {
  ALLOW: 'Allow messages',
  GET: 'Get messages',
  GET_UPDATES: 'Get updates',
  OPT_IN: 'Opt in to messages',
  SIGN_UP: 'Sign up for messages',
};

/** The opt-in message roughly as Messenger draws it: image, title, the Page's line, the button. */
export function OptinPreview({ title, imageUrl, ctaText }: { title: string; imageUrl?: string; ctaText?: string }) {
  return (
    <div
      style={{ maxWidth: 280, border: '1px solid #d9d9d9', borderRadius: 18, overflow: 'hidden', background: '#fff' }}
      data-testid="optin-preview"
    >
      {imageUrl && /^https:\/\//.test(imageUrl) && (
        <img src={imageUrl} alt="" style={{ width: '100%', aspectRatio: '1.91', objectFit: 'cover', display: 'block' }} />
      )}
      <div style={{ padding: 12 }}>
        <div style={{ fontWeight: 600 }}>{title || '…'}</div>
        <div style={{ color: 'rgba(0,0,0,0.65)', fontSize: 12 }}>You can opt out at any time.</div>
      </div>
      <div style={{ borderTop: '1px solid #f0f0f0', padding: 10, textAlign: 'center', color: '#0958d9', fontWeight: 600 }}>
        {CTA_LABEL[ctaText ?? 'GET']}
      </div>
    </div>
  );
}

export function CountTags({ counts }: { counts: TopicCounts }) {
  const { t } = useTranslation();
  return (
    <Space wrap size={4}>
      {(Object.keys(counts) as Array<keyof TopicCounts>)
        .filter((k) => k === 'active' || counts[k] > 0)
        .map((k) => (
          <Tag key={k} style={tone(k === 'active' ? 'green' : undefined)}>
            {counts[k]} {t(`topics.counts.${k}`)}
          </Tag>
        ))}
    </Space>
  );
}

export function TopicsScreen({ pageId }: { pageId: string }) {
  const { t } = useTranslation();
  const topics = useTopics(pageId);
  const [form] = Form.useForm();
  const [error, setError] = useState<string>();
  const title = (Form.useWatch('title', form) as string | undefined) ?? '';
  const imageUrl = Form.useWatch('imageUrl', form) as string | undefined;
  const ctaText = Form.useWatch('ctaText', form) as string | undefined;
  const queryClient = useQueryClient();
  const create = useMutation({
    mutationFn: (v: Record<string, unknown>) =>
      api<Topic>('POST', `/pages/${pageId}/topics`, Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined && x !== ''))),
    onSuccess: () => {
      form.resetFields();
      setError(undefined);
      void queryClient.invalidateQueries({ queryKey: ['topics', pageId] });
    },
    onError: (e) => setError(showFieldErrors(t, form, e)),
  });
  const length = metaTextLength(title);
  const max = META_TEXT_LIMITS.optinTitle;
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large">
      <Typography.Title level={2}>{t('topics.title')}</Typography.Title>
      <Table<Topic>
        rowKey="id"
        size="small"
        loading={topics.isLoading}
        dataSource={topics.data ?? []}
        pagination={false}
        scroll={{ x: true }}
        locale={{ emptyText: t('common.none') }}
        columns={[
          { title: t('topics.topicTitle'), dataIndex: 'title' },
          { title: t('topics.subscribers'), render: (_, topic) => <CountTags counts={topic.subscribers} /> },
          { title: t('topics.active'), render: (_, topic) => (topic.active ? t('common.yes') : t('common.no')) },
        ]}
      />
      <Card title={<h3 style={{ margin: 0, fontSize: 16 }}>{t('topics.new')}</h3>}>
        <Row gutter={[16, 16]}>
          <Col xs={24} md={14}>
            <Form form={form} layout="vertical" name="topic" onFinish={(v) => create.mutate(v)} initialValues={{ active: true }}>
              <Form.Item
                label={t('topics.topicTitle')}
                name="title"
                extra={
                  <span data-testid="title-counter" style={{ color: length > max ? '#cf1322' : undefined }}>
                    {t('topics.counter', { count: length, max })}
                  </span>
                }
                rules={[{ required: true, message: t('rules.isNotEmpty') }]}
              >
                <Input />
              </Form.Item>
              <Form.Item label={t('topics.imageUrl')} name="imageUrl">
                <Input inputMode="url" placeholder="https://" />
              </Form.Item>
              <Form.Item label={t('topics.cta')} name="ctaText">
                <Select allowClear options={CTA_TEXTS.map((c) => ({ value: c, label: CTA_LABEL[c] }))} />
              </Form.Item>
              <Form.Item label={t('topics.active')} name="active" valuePropName="checked">
                <Switch />
              </Form.Item>
              {error && <Alert type="error" role="alert" message={error} style={{ marginBottom: 12 }} />}
              <Button type="primary" htmlType="submit" loading={create.isPending}>
                {t('common.save')}
              </Button>
            </Form>
          </Col>
          <Col xs={24} md={10}>
            <Typography.Paragraph strong>{t('topics.preview')}</Typography.Paragraph>
            <OptinPreview title={title} imageUrl={imageUrl} ctaText={ctaText} />
          </Col>
        </Row>
      </Card>
    </Space>
  );
}
