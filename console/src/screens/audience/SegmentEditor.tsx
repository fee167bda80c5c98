import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, Select, Space, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Topic } from '../../api';
import { AudienceCountLine, useAudienceCount, type CountRequest } from './AudienceCount';
import type { Segment } from './api';
import { ConditionBuilder, type BuilderContext } from './ConditionBuilder';
import { definitionOf, formValuesOf, isComplete, type SegmentFormValues } from './conditions';
import { clearConditionErrors, showSegmentErrors } from './segment-errors';

/**
 * A new segment, or `segment` edited: its name and conditions, with a live count of the subscribers of a
 * chosen topic it selects (asked of the API as the conditions change) before it is saved.
 */
export function SegmentEditor({
  pageId,
  topics,
  context,
  segment,
  onDone,
}: {
  pageId: string;
  topics: Topic[];
  context: BuilderContext;
  segment?: Segment;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<SegmentFormValues>();
  const [error, setError] = useState<string>();
  const [topicId, setTopicId] = useState<string | undefined>(topics[0]?.id);
  const chosenTopic = topics.find((x) => x.id === topicId) ?? topics[0];
  const values = Form.useWatch((v: SegmentFormValues) => v, form);
  const complete = !!values && isComplete(values);
  const request = useMemo((): CountRequest | undefined => {
    if (!chosenTopic || !values || !complete) return undefined;
    if ((values.conditions ?? []).length === 0) return { topicId: chosenTopic.id };
    return { topicId: chosenTopic.id, segment: definitionOf(values, context.currency) };
  }, [chosenTopic, values, complete, context.currency]);
  const count = useAudienceCount(pageId, request);
  const [countProblem, setCountProblem] = useState<string>();
  useEffect(() => {
    // The count checks the conditions as a save would: its field errors go under the inputs at once.
    if (count.error) setCountProblem(showSegmentErrors(t, form, count.error, 'segment') ?? t('audience.fixConditions'));
    else if (count.data) {
      setCountProblem(undefined);
      clearConditionErrors(form);
    }
  }, [count.error, count.data, form, t]);

  const save = useMutation({
    mutationFn: (v: SegmentFormValues) => {
      const body = { name: v.name, definition: definitionOf(v, context.currency) };
      return segment
        ? api<Segment>('PUT', `/pages/${pageId}/segments/${segment.id}`, body)
        : api<Segment>('POST', `/pages/${pageId}/segments`, body);
    },
    onSuccess: () => {
      setError(undefined);
      form.resetFields();
      void queryClient.invalidateQueries({ queryKey: ['segments', pageId] });
      onDone();
    },
    onError: (e) => setError(showSegmentErrors(t, form, e, 'definition')),
  });

  const initialValues: SegmentFormValues = segment
    ? { name: segment.name, ...formValuesOf(segment.definition, context.currency) }
    : { match: 'all', conditions: [] };
  const title = segment ? t('audience.editSegment', { name: segment.name }) : t('audience.newSegment');
  return (
    <Card title={<h3 style={{ margin: 0, fontSize: 16 }}>{title}</h3>} data-testid="segment-editor">
      <Form form={form} layout="vertical" name="segment" initialValues={initialValues} onFinish={(v) => save.mutate(v)}>
        <Form.Item label={t('audience.segmentName')} name="name" rules={[{ required: true, message: t('rules.isNotEmpty') }]}>
          <Input placeholder={t('audience.segmentNamePlaceholder')} />
        </Form.Item>
        <ConditionBuilder context={context} />
        <Card size="small" style={{ margin: '16px 0', background: '#fafafa' }}>
          <Space direction="vertical" style={{ width: '100%' }}>
            <Space wrap>
              <label htmlFor="count-topic">{t('audience.countAmong')}</label>
              <Select
                id="count-topic"
                style={{ minWidth: 200 }}
                value={chosenTopic?.id}
                onChange={setTopicId}
                options={topics.map((x) => ({ value: x.id, label: x.title }))}
              />
            </Space>
            <AudienceCountLine
              count={count.data?.count}
              fetching={count.isFetching}
              total={chosenTopic?.subscribers.active}
              waiting={!chosenTopic ? t('audience.noTopics') : !complete ? t('audience.incomplete') : undefined}
              problem={complete ? countProblem : undefined}
            />
          </Space>
        </Card>
        {error && <Alert type="error" role="alert" message={error} style={{ marginBottom: 12 }} />}
        <Space wrap>
          <Button type="primary" htmlType="submit" loading={save.isPending}>
            {t('common.save')}
          </Button>
          {segment && <Button onClick={onDone}>{t('common.cancel')}</Button>}
        </Space>
      </Form>
      <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
        {t('audience.countHelp')}
      </Typography.Paragraph>
    </Card>
  );
}
