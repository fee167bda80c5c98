import { Transform } from 'class-transformer';
import { registerDecorator, type ValidationArguments } from 'class-validator';
import { metaTextProblem, normaliseMetaText } from '../../libs/graph-api/src';
import { NotBlank } from './validators';

/**
 * A text Meta will receive: stored in NFC (the form it is sent in) and 1 to `max` long, measured by
 * the Graph builders' own `metaTextLength` (UTF-16 code units after NFC; see libs/graph-api/src/meta-text.ts),
 * so a text accepted here is one the builders send. A broken limit is a 400 naming the field with rule
 * `isLength`; one of spaces only is a 400 with rule `isNotEmpty`. Replaces `@Length` on such fields: class-validator's `@Length` counts code points, not
 * what Meta's limits are checked in.
 */
export function MetaText(max: number, min = 1): PropertyDecorator {
  return (target, propertyName) => {
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? normaliseMetaText(value) : value))(target, propertyName);
    registerDecorator({
      name: 'isLength',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate: (value: unknown) => typeof value === 'string' && metaTextProblem('', value, max, min) === undefined,
        defaultMessage: (args: ValidationArguments) =>
          typeof args.value === 'string'
            ? metaTextProblem(args.property, args.value, max, min)!
            : `${args.property} must be a string of ${min} to ${max} characters`,
      },
    });
    // A title or text of spaces only would reach the customer as an empty bubble or button.
    if (min >= 1) NotBlank()(target, propertyName);
  };
}
