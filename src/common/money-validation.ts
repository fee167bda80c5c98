import { Transform } from 'class-transformer';
import { ValidateBy, type ValidationOptions } from 'class-validator';
import { canonicalLocale } from './locale';
import { isCurrencyCode, isMetaCurrency } from './money';

/** A current ISO 4217 code in capitals (`PHP`, `VND`); `php` or `ABC` is a 400 naming the field (rule `isCurrencyCode`). */
export const IsCurrencyCode = (options?: ValidationOptions): PropertyDecorator =>
  ValidateBy(
    {
      name: 'isCurrencyCode',
      validator: {
        validate: (value) => isCurrencyCode(value),
        defaultMessage: (args) => `${args?.property} must be an ISO 4217 currency code in capitals, such as PHP or VND`,
      },
    },
    options,
  );

/** An ad-account currency Meta lists (https://developers.facebook.com/docs/marketing-api/currencies), in capitals. */
export const IsMetaCurrency = (options?: ValidationOptions): PropertyDecorator =>
  ValidateBy(
    {
      name: 'isMetaCurrency',
      validator: {
        validate: (value) => isMetaCurrency(value),
        defaultMessage: (args) =>
          `${args?.property} must be the ad account's currency as Meta lists it, an ISO 4217 code in capitals such as PHP or VND`,
      },
    },
    options,
  );

/**
 * A BCP 47 tag ICU can format for; stored in canonical form (`vi-vn` → `vi-VN`), so the decorator
 * also canonicalises the value before it is validated.
 */
export const IsLocale = (options?: ValidationOptions): PropertyDecorator => {
  const validate = ValidateBy(
    {
      name: 'isLocale',
      validator: {
        validate: (value) => canonicalLocale(value) === value,
        defaultMessage: (args) => `${args?.property} must be a BCP 47 language tag such as vi-VN, en-PH or fil-PH`,
      },
    },
    options,
  );
  const canonicalise = Transform(({ value }: { value: unknown }) => canonicalLocale(value) ?? value);
  return (target, key) => {
    canonicalise(target, key);
    validate(target, key);
  };
};

/**
 * An amount in minor units (see MINOR_UNITS_RULE): a whole number, so that a caller still sending
 * main units with decimals (1250.50) is told, not silently read as 1250.5 centavos.
 */
export const IsMinorUnits = (options?: ValidationOptions): PropertyDecorator =>
  ValidateBy(
    {
      name: 'isMinorUnits',
      validator: {
        validate: (value) => typeof value === 'number' && Number.isSafeInteger(value),
        defaultMessage: (args) =>
          `${args?.property} must be a whole number of the currency's minor unit (ISO 4217): ₱1,250.50 is 125050, 1.250.000 ₫ is 1250000`,
      },
    },
    options,
  );
