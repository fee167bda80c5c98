import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, List, Select, Space, Tag, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Flow, type FlowNode } from '../api';
import { showFieldErrors } from '../errors';
import { useFlows, useTopics } from '../hooks';
import { tone } from '../tone';

interface FlowForm {
  name: string;
  ref?: string;
  question: string;
  yes: string;
  no?: string;
  bye?: string;
  topicId: string;
  ifRefused?: string;
  advanced?: string;
}

/** Which form field holds each node's text, by node id (the simple editor's nodes). */
const TEXT_FIELD: Record<string, string> = { offer: 'question', refused: 'ifRefused', bye: 'bye' };

/** Where the API's field paths of the simple editor's nodes show in the form (`nodes.1.topicId` → topicId). */
function simpleFields(nodes: FlowNode[]): Record<string, string> {
  const fields: Record<string, string> = {
    'nodes.0.quickReplies.0.title': 'yes',
    'nodes.0.quickReplies.1.title': 'no',
    'nodes.1.topicId': 'topicId',
  };
  nodes.forEach((n, i) => {
    if (TEXT_FIELD[n.id]) fields[`nodes.${i}.text`] = TEXT_FIELD[n.id]!;
  });
  return fields;
}

/**
 * The simple editor's graph: a question with quick replies; "yes" leads to the MM button of the topic,
 * whose refusal (already_subscribed, …) leads to a text; "no" to a goodbye text.
 */
function simpleNodes(v: FlowForm): FlowNode[] {
  const replies = [{ title: v.yes, next: 'ask' }, ...(v.no ? [{ title: v.no, next: 'bye' }] : [])];
  return [
    { id: 'offer', type: 'quick_replies', text: v.question, quickReplies: replies },
    { id: 'ask', type: 'optin', topicId: v.topicId, ...(v.ifRefused && { ifRefused: 'refused' }) },
    ...(v.ifRefused ? [{ id: 'refused', type: 'text', text: v.ifRefused }] : []),
    ...(v.no ? [{ id: 'bye', type: 'text', text: v.bye || v.no }] : []),
  ];
}

/** Parses the advanced nodes JSON; a message for the field when it is not an array of nodes. */
function parseNodes(t: TFunction, text: string): FlowNode[] | string {
  try {
    const nodes = JSON.parse(text) as unknown;
    return Array.isArray(nodes) && nodes.length > 0 ? (nodes as FlowNode[]) : t('flows.jsonNotNodes');
  } catch {
    return t('flows.jsonInvalid');
  }
}

/** One flow: its version, ref and nodes; Edit opens its nodes as JSON and saving writes a new version. */
function FlowCard({ flow, pageId, topicTitle }: { flow: Flow; pageId: string; topicTitle: (id?: string) => string | undefined }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<{ nodes: string }>();
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<string>();
  const save = useMutation({
    mutationFn: (nodes: FlowNode[]) => api<Flow>('PATCH', `/pages/${pageId}/flows/${flow.id}`, { nodes }),
    onSuccess: () => {
      setEditing(false);
      setError(undefined);
      void queryClient.invalidateQueries({ queryKey: ['flows', pageId] });
    },
    onError: (e) => setError(showFieldErrors(t, form, e, { nodes: 'nodes' })),
  });
  const submit = ({ nodes }: { nodes: string }) => {
    const parsed = parseNodes(t, nodes);
    if (typeof parsed === 'string') form.setFields([{ name: 'nodes', errors: [parsed] }]);
    else save.mutate(parsed);
  };
  return (
    <Card
      size="small"
      data-testid="flow"
      title={flow.name}
      extra={
        <Tag style={tone('blue')} data-testid="flow-version">
          {t('flows.version', { version: flow.version })}
        </Tag>
      }
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        <Typography.Text>
          {t('flows.ref')}: {flow.ref ?? '—'}
        </Typography.Text>
        <Space wrap size={4}>
          {flow.nodes.map((n) => (
            // Long texts wrap rather than widen the card past a phone's 390 px.
            <Tag key={n.id} style={{ whiteSpace: 'normal', ...(n.type === 'optin' ? tone('blue') : {}) }}>
              {n.type === 'optin' ? `${t('sequences.stepOptin')}: ${topicTitle(n.topicId) ?? ''}` : `${n.id}: ${n.text ?? n.type}`}
            </Tag>
          ))}
        </Space>
        {editing ? (
          <Form
            form={form}
            layout="vertical"
            name={`flow-${flow.id}`}
            onFinish={submit}
            initialValues={{ nodes: JSON.stringify(flow.nodes, null, 2) }}
          >
            <Form.Item label={t('flows.nodesJson')} name="nodes" rules={[{ required: true, message: t('rules.isNotEmpty') }]}>
              <Input.TextArea autoSize={{ minRows: 6, maxRows: 20 }} spellCheck={false} style={{ fontFamily: 'monospace' }} />
            </Form.Item>
            {error && <Alert type="error" role="alert" message={error} style={{ marginBottom: 12 }} />}
            <Space wrap>
              <Button type="primary" htmlType="submit" loading={save.isPending}>
                {t('flows.saveVersion')}
              </Button>
              <Button onClick={() => setEditing(false)}>{t('common.cancel')}</Button>
            </Space>
          </Form>
        ) : (
          <Button onClick={() => setEditing(true)}>{t('flows.edit')}</Button>
        )}
      </Space>
    </Card>
  );
}

/** Flows: a question with quick replies leading to the MM button (topic chosen) and an "if refused" text; JSON for the rest. */
export function FlowsScreen({ pageId }: { pageId: string }) {
  const { t } = useTranslation();
  const flows = useFlows(pageId);
  const topics = useTopics(pageId);
  const [form] = Form.useForm<FlowForm>();
  const [error, setError] = useState<string>();
  const [advanced, setAdvanced] = useState(false);
  const queryClient = useQueryClient();
  const topicTitle = (id?: string) => topics.data?.find((x) => x.id === id)?.title ?? id;
  const create = useMutation({
    mutationFn: ({ v, nodes }: { v: FlowForm; nodes: FlowNode[] }) =>
      api<Flow>('POST', `/pages/${pageId}/flows`, { name: v.name, ...(v.ref && { ref: v.ref }), nodes }),
    onSuccess: () => {
      form.resetFields();
      setError(undefined);
      void queryClient.invalidateQueries({ queryKey: ['flows', pageId] });
    },
    onError: (e, { nodes }) => setError(showFieldErrors(t, form, e, advanced ? {} : simpleFields(nodes))),
  });
  const submit = (v: FlowForm) => {
    if (!advanced) return create.mutate({ v, nodes: simpleNodes(v) });
    const parsed = parseNodes(t, v.advanced ?? '');
    if (typeof parsed === 'string') form.setFields([{ name: 'advanced', errors: [parsed] }]);
    else create.mutate({ v, nodes: parsed });
  };
  const required = [{ required: true, message: t('rules.isNotEmpty') }];
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large">
      <Typography.Title level={2}>{t('flows.title')}</Typography.Title>
      {(flows.data ?? []).length === 0 && !flows.isLoading && <Typography.Text>{t('common.none')}</Typography.Text>}
      <List
        loading={flows.isLoading}
        dataSource={flows.data ?? []}
        split={false}
        renderItem={(f) => (
          <List.Item style={{ padding: '4px 0' }}>
            <div style={{ width: '100%' }}>
              <FlowCard flow={f} pageId={pageId} topicTitle={topicTitle} />
            </div>
          </List.Item>
        )}
      />
      <Card title={<h3 style={{ margin: 0, fontSize: 16 }}>{t('flows.new')}</h3>}>
        <Form form={form} layout="vertical" name="flow" onFinish={submit}>
          <Form.Item label={t('common.name')} name="name" rules={required}>
            <Input />
          </Form.Item>
          <Form.Item label={t('flows.ref')} name="ref" extra={t('flows.refHelp')}>
            <Input />
          </Form.Item>
          <Space wrap style={{ marginBottom: 12 }}>
            <Button type={advanced ? 'default' : 'primary'} aria-pressed={!advanced} onClick={() => setAdvanced(false)}>
              {t('flows.simple')}
            </Button>
            <Button type={advanced ? 'primary' : 'default'} aria-pressed={advanced} onClick={() => setAdvanced(true)}>
              {t('flows.advanced')}
            </Button>
          </Space>
          {advanced ? (
            <Form.Item label={t('flows.nodesJson')} name="advanced" rules={required} extra={t('flows.jsonHelp')}>
              <Input.TextArea autoSize={{ minRows: 6, maxRows: 20 }} spellCheck={false} style={{ fontFamily: 'monospace' }} />
            </Form.Item>
          ) : (
            <>
              <Card size="small" title={`1. ${t('flows.nodeQuestion')}`} style={{ marginBottom: 8 }}>
                <Form.Item label={t('flows.question')} name="question" rules={required}>
                  <Input.TextArea autoSize />
                </Form.Item>
                <Form.Item label={t('flows.yes')} name="yes" rules={required}>
                  <Input />
                </Form.Item>
                <Form.Item label={t('flows.no')} name="no">
                  <Input />
                </Form.Item>
                <Form.Item label={t('flows.bye')} name="bye">
                  <Input />
                </Form.Item>
              </Card>
              <Card size="small" title={`2. ${t('sequences.stepOptin')}`} style={{ marginBottom: 8 }}>
                <Form.Item label={t('sequences.topic')} name="topicId" rules={[{ required: true, message: t('rules.isUUID') }]}>
                  <Select options={(topics.data ?? []).filter((x) => !x.archivedAt).map((x) => ({ value: x.id, label: x.title }))} />
                </Form.Item>
                <Form.Item label={t('flows.ifRefused')} name="ifRefused" extra={t('flows.ifRefusedHelp')}>
                  <Input.TextArea autoSize />
                </Form.Item>
              </Card>
            </>
          )}
          {error && <Alert type="error" role="alert" message={error} style={{ margin: '12px 0' }} />}
          <Button type="primary" htmlType="submit" loading={create.isPending} style={{ marginTop: 12 }}>
            {t('common.save')}
          </Button>
        </Form>
      </Card>
    </Space>
  );
}
