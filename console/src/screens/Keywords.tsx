import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Form, Input, InputNumber, Radio, Select, Space, Switch, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Keyword, type KeywordStats, type MatchMode } from '../api';
import { errorText, showFieldErrors } from '../errors';
import { useFlows, useSequences } from '../hooks';
import { tone } from '../tone';

const MATCH_MODES: MatchMode[] = ['contains', 'is', 'starts_with'];

interface KeywordForm {
  /** One phrase a line. */
  phrases: string;
  matchMode: MatchMode;
  answer: 'flow' | 'sequence';
  flowId?: string;
  sequenceId?: string;
  priority: number;
  cooldownSeconds: number;
}

const phrasesOf = (lines: string): string[] =>
  lines
    .split('\n')
    .map((p) => p.trim())
    .filter(Boolean);
/** The API names a bad phrase `phrases.3`; the form has one field for them all. */
const PHRASE_FIELDS = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`phrases.${i}`, 'phrases']));

function KeywordCard({ keyword, answer }: { keyword: Keyword; answer: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string>();
  // Counts change as customers write: refreshed every few seconds while the screen is open.
  const stats = useQuery({
    queryKey: ['keyword-stats', keyword.id],
    queryFn: () => api<KeywordStats>('GET', `/pages/${keyword.pageId}/keywords/${keyword.id}/stats`),
    refetchInterval: 3000,
  });
  const toggle = useMutation({
    mutationFn: (active: boolean) => api<Keyword>('PATCH', `/pages/${keyword.pageId}/keywords/${keyword.id}`, { active }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['keywords', keyword.pageId] }),
    onError: (e) => setError(errorText(t, e)),
  });
  const s = stats.data;
  const refused = Object.entries(s?.optinsRefusedByReason ?? {});
  return (
    <Card
      size="small"
      data-testid="keyword"
      title={
        <Space wrap size={4}>
          {keyword.phrases.map((p) => (
            <Tag key={p} style={tone('blue')}>
              {p}
            </Tag>
          ))}
        </Space>
      }
      extra={
        <Space>
          <span>{keyword.active ? t('pos.activeOn') : t('pos.activeOff')}</span>
          <Switch
            aria-label={t('keywords.active')}
            checked={keyword.active}
            loading={toggle.isPending}
            onChange={(on) => toggle.mutate(on)}
          />
        </Space>
      }
    >
      {error && <Alert type="error" role="alert" message={error} style={{ marginBottom: 8 }} />}
      <Descriptions size="small" column={{ xs: 1, sm: 2, md: 3 }}>
        <Descriptions.Item label={t('keywords.matchMode')}>{t(`keywords.modes.${keyword.matchMode}`)}</Descriptions.Item>
        <Descriptions.Item label={t('keywords.answer')}>{answer}</Descriptions.Item>
        <Descriptions.Item label={t('keywords.priority')}>{keyword.priority}</Descriptions.Item>
        <Descriptions.Item label={t('keywords.cooldown')}>{keyword.cooldownSeconds}</Descriptions.Item>
        <Descriptions.Item label={t('keywords.fired')}>
          <span data-testid="fired">{s?.fired ?? '…'}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('keywords.optinsSent')}>
          <span data-testid="optins-sent">{s?.optinRequestsSent ?? '…'}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('pos.subscribed')}>
          <span data-testid="keyword-subscribed">{s?.subscriptions ?? '…'}</span>
        </Descriptions.Item>
      </Descriptions>
      {refused.length > 0 && (
        <>
          <Typography.Text strong>{t('keywords.refused')}</Typography.Text>
          <ul data-testid="refused-reasons">
            {refused.map(([reason, n]) => (
              <li key={reason}>
                {t(`reasons.${reason}`, { defaultValue: reason })}: {n}
              </li>
            ))}
          </ul>
        </>
      )}
    </Card>
  );
}

/** Keywords: what a customer writes (phrases, match mode) and the flow or sequence that answers it. */
export function KeywordsScreen({ pageId }: { pageId: string }) {
  const { t } = useTranslation();
  const flows = useFlows(pageId);
  const sequences = useSequences(pageId);
  const keywords = useQuery({ queryKey: ['keywords', pageId], queryFn: () => api<Keyword[]>('GET', `/pages/${pageId}/keywords`) });
  const [form] = Form.useForm<KeywordForm>();
  const answer = Form.useWatch('answer', form) ?? 'flow';
  const [error, setError] = useState<string>();
  const queryClient = useQueryClient();
  const create = useMutation({
    mutationFn: (v: KeywordForm) =>
      api<Keyword>('POST', `/pages/${pageId}/keywords`, {
        phrases: phrasesOf(v.phrases),
        matchMode: v.matchMode,
        ...(v.answer === 'flow' ? { flowId: v.flowId } : { sequenceId: v.sequenceId }),
        priority: v.priority ?? 0,
        cooldownSeconds: v.cooldownSeconds ?? 60,
      }),
    onSuccess: () => {
      form.resetFields();
      setError(undefined);
      void queryClient.invalidateQueries({ queryKey: ['keywords', pageId] });
    },
    // The answer's problems (answer_required names flowId) show under whichever list is on screen.
    onError: (e) =>
      setError(
        showFieldErrors(t, form, e, {
          ...PHRASE_FIELDS,
          ...(answer === 'flow' ? { sequenceId: 'flowId' } : { flowId: 'sequenceId' }),
        }),
      ),
  });
  const answerName = (k: Keyword) =>
    k.flowId
      ? `${t('keywords.flow')}: ${flows.data?.find((f) => f.id === k.flowId)?.name ?? k.flowId}`
      : `${t('keywords.sequence')}: ${sequences.data?.find((s) => s.id === k.sequenceId)?.name ?? k.sequenceId}`;
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large">
      <Typography.Title level={2}>{t('keywords.title')}</Typography.Title>
      {(keywords.data ?? []).length === 0 && !keywords.isLoading && <Typography.Text>{t('common.none')}</Typography.Text>}
      {[...(keywords.data ?? [])]
        .sort((a, b) => b.priority - a.priority)
        .map((k) => (
          <KeywordCard key={k.id} keyword={k} answer={answerName(k)} />
        ))}
      <Card title={<h3 style={{ margin: 0, fontSize: 16 }}>{t('keywords.new')}</h3>}>
        <Form
          form={form}
          layout="vertical"
          name="keyword"
          onFinish={(v) => create.mutate(v)}
          initialValues={{ matchMode: 'contains', answer: 'flow', priority: 0, cooldownSeconds: 60 }}
        >
          <Form.Item
            label={t('keywords.phrases')}
            name="phrases"
            extra={t('keywords.phrasesHelp')}
            rules={[{ required: true, message: t('rules.isNotEmpty') }]}
          >
            <Input.TextArea autoSize={{ minRows: 2 }} />
          </Form.Item>
          <Form.Item label={t('keywords.matchMode')} name="matchMode">
            <Select options={MATCH_MODES.map((m) => ({ value: m, label: t(`keywords.modes.${m}`) }))} />
          </Form.Item>
          <Form.Item label={t('keywords.answerWith')} name="answer">
            <Radio.Group
              optionType="button"
              options={[
                { value: 'flow', label: t('keywords.aFlow') },
                { value: 'sequence', label: t('keywords.aSequence') },
              ]}
            />
          </Form.Item>
          {answer === 'flow' ? (
            <Form.Item label={t('keywords.flow')} name="flowId" rules={[{ required: true, message: t('rules.isUUID') }]}>
              <Select options={(flows.data ?? []).map((f) => ({ value: f.id, label: `${f.name} (v${f.version})` }))} />
            </Form.Item>
          ) : (
            <Form.Item label={t('keywords.sequence')} name="sequenceId" rules={[{ required: true, message: t('rules.isUUID') }]}>
              <Select options={(sequences.data ?? []).map((s) => ({ value: s.id, label: s.name }))} />
            </Form.Item>
          )}
          <Space wrap>
            <Form.Item label={t('keywords.priority')} name="priority" extra={t('keywords.priorityHelp')}>
              <InputNumber min={-1000} max={1000} />
            </Form.Item>
            <Form.Item label={t('keywords.cooldown')} name="cooldownSeconds" extra={t('keywords.cooldownHelp')}>
              <InputNumber min={0} />
            </Form.Item>
          </Space>
          {error && <Alert type="error" role="alert" message={error} style={{ marginBottom: 12 }} />}
          <Button type="primary" htmlType="submit" loading={create.isPending}>
            {t('common.save')}
          </Button>
        </Form>
      </Card>
    </Space>
  );
}
