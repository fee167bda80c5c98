import { registerDecorator, ValidateIf, type ValidationArguments } from 'class-validator';
import { PLACEHOLDERS, unknownPlaceholders } from '../placeholders';
import type { StepType } from '../step-content';

/** Refuses `{{…}}` names other than the order fields a run knows (PLACEHOLDERS). */
export function KnownPlaceholders(): PropertyDecorator {
  return (target, propertyName) => {
    registerDecorator({
      name: 'knownPlaceholders',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || unknownPlaceholders(value).length === 0,
        defaultMessage: (args: ValidationArguments) =>
          `${args.property} uses unknown placeholder(s) ${unknownPlaceholders(String(args.value))
            .map((p) => `{{${p}}}`)
            .join(', ')}; known: ${PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}`,
      },
    });
  };
}

/**
 * A field that belongs to some step types: required for them, refused for the others. The property's
 * other validators run only when the field matters (its type uses it, or it was given anyway).
 */
export function StepField(types: readonly StepType[]): PropertyDecorator {
  return (target, propertyName) => {
    const key = String(propertyName);
    const given = (o: object): boolean => (o as Record<string, unknown>)[key] !== undefined;
    const usedBy = (o: object): boolean => types.includes((o as { type: StepType }).type);
    ValidateIf((o: object) => usedBy(o) || given(o))(target, propertyName);
    registerDecorator({
      name: 'stepField',
      target: target.constructor,
      propertyName: key,
      validator: {
        validate: (value: unknown, args: ValidationArguments) =>
          usedBy(args.object) ? value !== undefined && value !== null : value === undefined,
        defaultMessage: (args: ValidationArguments) =>
          usedBy(args.object)
            ? `${key} is required for ${types.join(' and ')} steps`
            : `${key} is only used by ${types.join(' and ')} steps`,
      },
    });
  };
}
