import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  registerDecorator,
  ValidateIf,
  ValidateNested,
  type ValidationArguments,
} from 'class-validator';

/** How FieldOfTypes names things: the objects in its messages (`steps`), and its rule in the error body (`stepField`). */
export interface FieldOfTypesNames {
  noun: string;
  rule: string;
  /** Allowed to be absent for the types that use it (e.g. a node's `next`: absent ends the flow there). */
  optional?: boolean;
}

/**
 * A field of an object tagged by its `type` (a sequence step, a flow node) that only some types use: required
 * for them (unless `optional`), refused for the others (a 400 naming the field: "text is only used by text
 * and quick_replies steps"), and its other validators run only when it matters (its type uses it, or it was
 * given anyway).
 */
export function FieldOfTypes<T extends string>(
  types: readonly T[],
  { noun, rule, optional = false }: FieldOfTypesNames,
): PropertyDecorator {
  return (target, propertyName) => {
    const key = String(propertyName);
    const given = (o: object): boolean => (o as Record<string, unknown>)[key] !== undefined;
    const usedBy = (o: object): boolean => types.includes((o as { type: T }).type);
    ValidateIf((o: object) => (usedBy(o) && !optional) || given(o))(target, propertyName);
    registerDecorator({
      name: rule,
      target: target.constructor,
      propertyName: key,
      validator: {
        validate: (value: unknown, args: ValidationArguments) =>
          usedBy(args.object) ? optional || (value !== undefined && value !== null) : value === undefined,
        defaultMessage: (args: ValidationArguments) =>
          usedBy(args.object)
            ? `${key} is required for ${types.join(' and ')} ${noun}`
            : `${key} is only used by ${types.join(' and ')} ${noun}`,
      },
    });
  };
}

/**
 * A list of `min` to `max` objects, each validated as the DTO class `of` (errors name `field.<index>.<member>`);
 * `min: 0` allows an empty list.
 */
export function NestedList(of: () => new () => object, { min = 1, max }: { min?: number; max: number }): PropertyDecorator {
  // In the order stacked decorators would apply (bottom-up), so errors come as they did.
  const decorators = [Type(of), ValidateNested({ each: true }), ArrayMaxSize(max), ...(min > 0 ? [ArrayMinSize(min)] : []), IsArray()];
  return (target, propertyName) => {
    for (const decorator of decorators) decorator(target, propertyName);
  };
}
