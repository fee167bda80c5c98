import { registerDecorator, type ValidationArguments } from 'class-validator';
import { FieldOfTypes } from '../../common/dto-fields.validation';
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

/** A field that belongs to some step types: required for them, refused for the others (FieldOfTypes). */
export function StepField(types: readonly StepType[]): PropertyDecorator {
  return FieldOfTypes(types, { noun: 'steps', rule: 'stepField' });
}
