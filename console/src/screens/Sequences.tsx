import { DeleteOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, InputNumber, List, Select, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Sequence, type SequenceStep } from '../api';
import { showFieldErrors } from '../errors';
import { useSequences, useTopics } from '../hooks';
import { tone } from '../tone';

/** Sequences: ordered steps; the MM button step is placed by choosing a topic. */
export function SequencesScreen({ pageId }: { pageId: string }) {
  const { t } = useTranslation();
  const sequences = useSequences(pageId);
  const topics = useTopics(pageId);
  const [form] = Form.useForm<{ name: string; steps: SequenceStep[] }>();
  const [error, setError] = useState<string>();
  const queryClient = useQueryClient();
  const topicTitle = (id?: string) => topics.data?.find((x) => x.id === id)?.title ?? id;
  const create = useMutation({
    mutationFn: (v: { name: string; steps: SequenceStep[] }) =>
      api<Sequence>('POST', `/pages/${pageId}/sequences`, {
        name: v.name,
        steps: (v.steps ?? []).map((s) =>
          s.type === 'optin'
            ? { type: 'optin', topicId: s.topicId, delaySeconds: s.delaySeconds ?? 0 }
            : { type: 'text', text: s.text, delaySeconds: s.delaySeconds ?? 0 },
        ),
      }),
    onSuccess: () => {
      form.resetFields();
      setError(undefined);
      void queryClient.invalidateQueries({ queryKey: ['sequences', pageId] });
    },
    onError: (e) => setError(showFieldErrors(t, form, e)),
  });
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large">
      <Typography.Title level={2}>{t('sequences.title')}</Typography.Title>
      <List
        bordered
        loading={sequences.isLoading}
        dataSource={sequences.data ?? []}
        locale={{ emptyText: t('common.none') }}
        renderItem={(s) => (
          <List.Item>
            <List.Item.Meta
              title={s.name}
              description={
                <Space wrap size={4}>
                  {s.steps.map((step, i) =>
                    step.type === 'optin' ? (
                      <Tag key={i} style={tone('blue')}>
                        {t('sequences.stepOptin')}: {topicTitle(step.topicId)}
                      </Tag>
                    ) : (
                      <Tag key={i}>{step.text ?? step.type}</Tag>
                    ),
                  )}
                </Space>
              }
            />
          </List.Item>
        )}
      />
      <Card title={<h3 style={{ margin: 0, fontSize: 16 }}>{t('sequences.new')}</h3>}>
        <Form form={form} layout="vertical" name="sequence" onFinish={(v) => create.mutate(v)} initialValues={{ steps: [] }}>
          <Form.Item label={t('common.name')} name="name" rules={[{ required: true, message: t('rules.isNotEmpty') }]}>
            <Input />
          </Form.Item>
          <Form.List name="steps">
            {(fields, { add, remove }) => (
              <Space direction="vertical" style={{ width: '100%' }}>
                {fields.map((field, i) => {
                  const type = form.getFieldValue(['steps', field.name, 'type']) as string;
                  return (
                    <Card
                      key={field.key}
                      size="small"
                      title={`${i + 1}. ${type === 'optin' ? t('sequences.stepOptin') : t('sequences.stepText')}`}
                      extra={<Button aria-label={t('sequences.remove')} icon={<DeleteOutlined />} onClick={() => remove(field.name)} />}
                    >
                      <Form.Item name={[field.name, 'type']} hidden>
                        <Input />
                      </Form.Item>
                      {type === 'optin' ? (
                        <Form.Item
                          label={t('sequences.topic')}
                          name={[field.name, 'topicId']}
                          rules={[{ required: true, message: t('rules.isUUID') }]}
                        >
                          <Select
                            options={(topics.data ?? []).filter((x) => !x.archivedAt).map((x) => ({ value: x.id, label: x.title }))}
                          />
                        </Form.Item>
                      ) : (
                        <Form.Item
                          label={t('sequences.text')}
                          name={[field.name, 'text']}
                          rules={[{ required: true, message: t('rules.isNotEmpty') }]}
                        >
                          <Input.TextArea autoSize />
                        </Form.Item>
                      )}
                      <Form.Item label={t('sequences.delay')} name={[field.name, 'delaySeconds']}>
                        <InputNumber min={0} />
                      </Form.Item>
                    </Card>
                  );
                })}
                <Space wrap>
                  <Button onClick={() => add({ type: 'text', text: '' })}>{t('sequences.addText')}</Button>
                  <Button onClick={() => add({ type: 'optin' })}>{t('sequences.addMm')}</Button>
                </Space>
              </Space>
            )}
          </Form.List>
          {error && <Alert type="error" role="alert" message={error} style={{ margin: '12px 0' }} />}
          <Button type="primary" htmlType="submit" loading={create.isPending} style={{ marginTop: 12 }}>
            {t('common.save')}
          </Button>
        </Form>
      </Card>
    </Space>
  );
}
