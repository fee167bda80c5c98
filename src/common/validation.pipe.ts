import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { ValidationFailed, type FieldProblem } from './http-error.filter';
import { FIELD_PROBLEMS, type FieldProblemsOf } from './validators';

/** Where @nestjs/swagger keeps each DTO property's documented shape (ApiProperty's options). */
const API_MODEL_PROPERTIES = 'swagger/apiModelProperties';

interface DocumentedProperty {
  type?: unknown;
  isArray?: boolean;
  nullable?: boolean;
}

/**
 * Whitelist and forbid unknown fields; every broken rule is reported with its field path. Before
 * class-validator runs, the body is held to its documented shape (the DTO's ApiProperty, i.e. what
 * /docs says), which class-validator alone does not do:
 * - `null` is refused (`notNull`) unless the property is documented `nullable` (none is today: leave a
 *   field out to keep its value). `@IsOptional()` lets null through, and the services read it as a value.
 * - an array where an object (a nested DTO) is documented is refused (`isObject`): `@ValidateNested()`
 *   validates an array's elements instead, so `budget: []` used to pass as "no budget".
 */
export function createValidationPipe(): ValidationPipe {
  return new DocumentedShapeValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => new ValidationFailed(flatten(errors)),
  });
}

/**
 * A DTO whose rules tie fields together ("exactly one of flowId and sequenceId") states them as
 * `static crossFieldProblems(body)`, given the body as sent (an object). The pipe adds their problems to
 * class-validator's, so one 400 lists every field at fault.
 */
export interface CrossFieldRules {
  crossFieldProblems(body: Record<string, unknown>): FieldProblem[];
}

class DocumentedShapeValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'body' || !isDto(metadata.metatype)) return super.transform(value, metadata);
    const problems = shapeProblems(value, metadata.metatype, '');
    if (problems.length) throw new ValidationFailed(problems);
    const rules = metadata.metatype as unknown as Partial<CrossFieldRules>;
    const cross =
      typeof rules.crossFieldProblems === 'function' && value !== null && typeof value === 'object' && !Array.isArray(value)
        ? rules.crossFieldProblems(value as Record<string, unknown>)
        : [];
    let dto: unknown;
    try {
      dto = await super.transform(value, metadata);
    } catch (error) {
      if (error instanceof ValidationFailed && cross.length) throw new ValidationFailed([...error.problems, ...cross]);
      throw error;
    }
    if (cross.length) throw new ValidationFailed(cross);
    return dto;
  }
}

type DtoClass = abstract new (...args: never[]) => unknown;

function isDto(type: unknown): type is DtoClass {
  return typeof type === 'function' && Reflect.getMetadata('swagger/apiModelPropertiesArray', (type as DtoClass).prototype) !== undefined;
}

/** The DTO class a documented property holds, when it holds one (`type: BudgetDto` or `type: () => BudgetDto`). */
function nestedDto(property: DocumentedProperty): DtoClass | undefined {
  if (isDto(property.type)) return property.type;
  if (typeof property.type === 'function' && !property.type.prototype) {
    const resolved: unknown = (property.type as () => unknown)();
    return isDto(resolved) ? resolved : undefined;
  }
  return undefined;
}

function shapeProblems(value: unknown, dto: DtoClass, parent: string): FieldProblem[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([key, inner]): FieldProblem[] => {
    const property = Reflect.getMetadata(API_MODEL_PROPERTIES, dto.prototype, key) as DocumentedProperty | undefined;
    if (!property) return []; // not a field of the DTO: the whitelist reports it
    const field = parent ? `${parent}.${key}` : key;
    if (inner === null) {
      return property.nullable ? [] : [{ field, rule: 'notNull', message: `${field} must not be null (leave it out instead)` }];
    }
    const nested = nestedDto(property);
    if (!nested) return [];
    if (property.isArray) {
      return Array.isArray(inner) ? inner.flatMap((item, i) => shapeProblems(item, nested, `${field}.${i}`)) : [];
    }
    if (Array.isArray(inner)) return [{ field, rule: 'isObject', message: `${field} must be an object, not an array` }];
    return shapeProblems(inner, nested, field);
  });
}

/**
 * class-validator's errors as the API's field problems, nested fields by path (`items.0.price`). A rule whose
 * context carries its own problems (IsStringList: one per bad element, `tags.1`) reports those instead.
 */
export function flatten(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).flatMap(([rule, message]): FieldProblem[] => {
      const problemsOf = error.contexts?.[rule]?.[FIELD_PROBLEMS] as FieldProblemsOf | undefined;
      if (problemsOf) return problemsOf(error.value, field);
      if (rule === 'whitelistValidation') return [{ field, rule, message: `${field} is not an accepted field` }];
      // class-validator starts its messages with the property (`source must be …`); a nested one gets its path.
      const named = field !== error.property && message.startsWith(`${error.property} `);
      return [{ field, rule, message: named ? `${field}${message.slice(error.property.length)}` : message }];
    });
    return [...own, ...flatten(error.children ?? [], field)];
  });
}
