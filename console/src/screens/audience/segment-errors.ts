import type { FormInstance } from 'antd';
import type { TFunction } from 'i18next';
import { ApiError } from '../../api';
import { errorText, fieldText } from '../../errors';
import { CONDITIONS, formPathOf } from './conditions';

/** The last parts of a definition's field paths that have an input of their own in the builder. */
const INPUT_LEAVES = new Set(['type', 'match', ...Object.values(CONDITIONS).flatMap((fields) => Object.keys(fields))]);

/**
 * Shows the API's problems with a segment (`definition.conditions.1.days` from a save, `segment.…` from
 * a count; `name`) under the builder's inputs, in the user's language: a condition's field has its own
 * text (`audience.problems.days`: "1 to 3650 days"), else the rule's. Returns, as text for a message above
 * the form, what no input holds (a list with no condition, an unknown field), or undefined.
 */
export function showSegmentErrors(t: TFunction, form: FormInstance, error: unknown, prefix: 'definition' | 'segment'): string | undefined {
  if (!(error instanceof ApiError)) return errorText(t, error);
  const rest: string[] = [];
  const byPath = new Map<string, { name: Array<string | number>; errors: string[] }>();
  for (const p of error.fields) {
    const general = fieldText(t, error.code, p.rule, p.message);
    const name = p.field === 'name' ? ['name'] : formPathOf(p.field, prefix);
    const leaf = name?.[name.length - 1];
    if (!name || (name.length > 1 && !INPUT_LEAVES.has(String(leaf)))) {
      rest.push(`${p.field}: ${general}`);
      continue;
    }
    const text = name.length > 1 ? t(`audience.problems.${String(leaf)}`, { defaultValue: general }) : general;
    const key = name.join('.');
    byPath.set(key, { name, errors: [...(byPath.get(key)?.errors ?? []), text] });
  }
  form.setFields([...byPath.values()]);
  return error.fields.length === 0 || rest.length > 0 ? [errorText(t, error), ...rest].join(' · ') : undefined;
}

/** Clears the errors an earlier answer put on the conditions' inputs (the API has just taken the conditions). */
export function clearConditionErrors(form: FormInstance): void {
  form.setFields(
    form
      .getFieldsError()
      .filter((f) => f.errors.length > 0 && (f.name[0] === 'conditions' || f.name[0] === 'match'))
      .map((f) => ({ name: f.name, errors: [] })),
  );
}
