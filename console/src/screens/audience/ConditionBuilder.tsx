import { DeleteOutlined } from '@ant-design/icons';
import { Button, Card, DatePicker, Form, Input, InputNumber, Radio, Select, Space, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { createContext, useContext, type ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import { ORDER_STATUSES } from '../../../../src/pos-notifications/order-status';
import { currencyDigits, money, toMinorUnits } from '../../money';
import {
  CONDITION_TYPES,
  CONDITIONS,
  fieldsOf,
  type ConditionRow,
  type ConditionType,
  type InputKind,
  type Row,
  countryName,
} from './conditions';

/** What the inputs need to know of the shop and the Page. */
export interface BuilderContext {
  /** The shop's currency: order totals, so `spentAtLeast`, are in it. */
  currency: string;
  /** BCP 47, for money as the user reads it. */
  locale: string;
  /** The Page's zone, first among the time zones offered. */
  pageTimezone?: string;
}
const Context = createContext<BuilderContext>({ currency: 'PHP', locale: 'en-PH' });

/**
 * Zones offered for the `timezone` condition; any other IANA name may be typed (the API checks it).
 * Canonical IANA names, which is what Messenger reports (the browser's own list has old aliases such as Asia/Saigon).
 */
const COMMON_ZONES = [
  'Asia/Ho_Chi_Minh',
  'Asia/Manila',
  'Asia/Bangkok',
  'Asia/Jakarta',
  'Asia/Singapore',
  'Asia/Kuala_Lumpur',
  'Asia/Hong_Kong',
  'Asia/Taipei',
  'Asia/Shanghai',
  'Asia/Seoul',
  'Asia/Tokyo',
  'Asia/Kolkata',
  'Asia/Dubai',
  'Australia/Sydney',
  'Europe/London',
  'America/New_York',
  'America/Los_Angeles',
  'UTC',
];

/**
 * Countries offered for the `country` condition (ISO 3166-1 alpha-2): the shops' own first, then their
 * neighbours. The API reads a subscriber's country from the time zone Meta reported at opt-in.
 */
const COMMON_COUNTRIES = ['PH', 'VN', 'TH', 'ID', 'MY', 'SG', 'KH', 'LA', 'MM', 'US'];

/** An amount typed in the currency's main unit, shown beside as the customer would read it. */
function MoneyInput({ id, value, onChange }: { id?: string; value?: number; onChange?: (v: number | null) => void }) {
  const { currency, locale } = useContext(Context);
  return (
    <Space wrap>
      <InputNumber
        id={id}
        value={value}
        onChange={onChange}
        min={0}
        precision={currencyDigits(currency)}
        suffix={currency}
        style={{ width: 200 }}
      />
      {typeof value === 'number' && <Typography.Text>= {money(toMinorUnits(value, currency), currency, locale)}</Typography.Text>}
    </Space>
  );
}

/** Countries by name in the console's language; the value is their ISO codes. */
function CountrySelect(props: { id?: string; value?: string[]; onChange?: (v: string[]) => void }) {
  const { locale } = useContext(Context);
  return (
    <Select
      {...props}
      mode="multiple"
      style={{ minWidth: 220 }}
      optionFilterProp="label"
      options={COMMON_COUNTRIES.map((code) => ({ value: code, label: countryName(code, locale) }))}
    />
  );
}

/** The input of one field, by how it is entered (the direct child of its Form.Item, which gives it its value). */
function inputOf(kind: InputKind, t: TFunction, pageTimezone: string | undefined): ReactElement {
  switch (kind) {
    case 'days':
      return <InputNumber precision={0} suffix={t('audience.daysUnit')} />;
    case 'count':
      return <InputNumber precision={0} />;
    case 'money':
      return <MoneyInput />;
    case 'text':
      return <Input style={{ minWidth: 180 }} />;
    case 'orderStatuses':
      return (
        <Select
          mode="multiple"
          style={{ minWidth: 220 }}
          options={ORDER_STATUSES.map((s) => ({ value: s, label: t(`audience.orderStatus.${s}`) }))}
        />
      );
    case 'date':
      return <DatePicker />;
    case 'countries':
      return <CountrySelect />;
    case 'timeZones':
      return (
        <Select
          mode="tags"
          style={{ minWidth: 220 }}
          tokenSeparators={[',', ' ']}
          options={[...new Set([...(pageTimezone ? [pageTimezone] : []), ...COMMON_ZONES])].map((z) => ({ value: z, label: z }))}
        />
      );
  }
}

/**
 * One condition: its type, then the inputs of that type's fields. `name` is the row's name inside its
 * Form.List, `path` its full path in the form (to read its type).
 */
function ConditionFields({
  name,
  path,
  label,
  onRemove,
}: {
  name: number;
  path: Array<string | number>;
  label: string;
  onRemove: () => void;
}) {
  const { t } = useTranslation();
  const { pageTimezone } = useContext(Context);
  return (
    // A row of its own (type, remove, the type's fields), wrapping on a phone.
    <div data-testid="condition" style={{ display: 'flex', flexWrap: 'wrap', columnGap: 8, alignItems: 'flex-start' }}>
      <Form.Item label={label} name={[name, 'type']} rules={[{ required: true, message: t('rules.isUUID') }]}>
        <Select
          style={{ minWidth: 240 }}
          popupMatchSelectWidth={false}
          virtual={false}
          options={CONDITION_TYPES.map((type) => ({ value: type, label: t(`audience.types.${type}`) }))}
        />
      </Form.Item>
      <Form.Item label=" " colon={false}>
        <Button aria-label={t('audience.removeCondition', { label })} icon={<DeleteOutlined />} onClick={onRemove} />
      </Form.Item>
      <Form.Item noStyle dependencies={[[...path, 'type']]}>
        {({ getFieldValue }) => {
          const type = getFieldValue([...path, 'type']) as ConditionType | undefined;
          return type && CONDITIONS[type]
            ? fieldsOf(type).map(([field, kind]) => (
                <Form.Item
                  key={`${type}.${field}`}
                  label={t(`audience.fields.${field}`)}
                  name={[name, field]}
                  rules={[{ required: true, message: t('rules.isNotEmpty') }]}
                >
                  {inputOf(kind, t, pageTimezone)}
                </Form.Item>
              ))
            : null;
        }}
      </Form.Item>
    </div>
  );
}

function MatchInput({ name, label }: { name: Array<string | number>; label: string }) {
  const { t } = useTranslation();
  return (
    <Form.Item label={label} name={name}>
      <Radio.Group
        optionType="button"
        options={[
          { value: 'all', label: t('audience.matchAll') },
          { value: 'any', label: t('audience.matchAny') },
        ]}
      />
    </Form.Item>
  );
}

const NEW_CONDITION: ConditionRow = { type: 'orderedWithinDays' };

/** A group: all or any of its own conditions (one level deep, as the API allows). */
function GroupFields({ name, index, onRemove }: { name: number; index: number; onRemove: () => void }) {
  const { t } = useTranslation();
  const title = t('audience.group', { n: index + 1 });
  return (
    <Card
      size="small"
      data-testid="group"
      title={<span style={{ fontWeight: 'normal' }}>{title}</span>}
      extra={<Button aria-label={t('audience.removeGroup', { label: title })} icon={<DeleteOutlined />} onClick={onRemove} />}
    >
      <MatchInput name={[name, 'match']} label={t('audience.groupMatch')} />
      <Form.List name={[name, 'conditions']}>
        {(fields, { add, remove }) => (
          <>
            {fields.map((field, i) => (
              <ConditionFields
                key={field.key}
                name={field.name}
                path={['conditions', name, 'conditions', field.name]}
                label={t('audience.conditionN', { n: `${index + 1}.${i + 1}` })}
                onRemove={() => remove(field.name)}
              />
            ))}
            <Button onClick={() => add(NEW_CONDITION)}>{t('audience.addToGroup')}</Button>
          </>
        )}
      </Form.List>
    </Card>
  );
}

/**
 * The conditions of a segment inside an antd Form: all/any at the top, conditions and groups of
 * conditions (form values: SegmentFormValues['match' | 'conditions']).
 */
export function ConditionBuilder({ context }: { context: BuilderContext }) {
  const { t } = useTranslation();
  return (
    <Context.Provider value={context}>
      <MatchInput name={['match']} label={t('audience.match')} />
      <Form.List name="conditions">
        {(fields, { add, remove }) => (
          <Space direction="vertical" style={{ width: '100%' }}>
            {fields.length === 0 && <Typography.Text>{t('audience.noConditions')}</Typography.Text>}
            <Form.Item noStyle shouldUpdate>
              {({ getFieldValue }) =>
                fields.map((field, i) =>
                  (getFieldValue(['conditions', field.name, 'type']) as Row['type'] | undefined) === 'group' ? (
                    <GroupFields key={field.key} name={field.name} index={i} onRemove={() => remove(field.name)} />
                  ) : (
                    <ConditionFields
                      key={field.key}
                      name={field.name}
                      path={['conditions', field.name]}
                      label={t('audience.conditionN', { n: i + 1 })}
                      onRemove={() => remove(field.name)}
                    />
                  ),
                )
              }
            </Form.Item>
            <Space wrap>
              <Button onClick={() => add(NEW_CONDITION)}>{t('audience.addCondition')}</Button>
              <Button onClick={() => add({ type: 'group', match: 'any', conditions: [NEW_CONDITION] })}>{t('audience.addGroup')}</Button>
            </Space>
          </Space>
        )}
      </Form.List>
    </Context.Provider>
  );
}
