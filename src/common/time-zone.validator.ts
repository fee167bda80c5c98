import { registerDecorator, type ValidationArguments } from 'class-validator';
import { isValidTimeZone } from './local-time';

/** An IANA time zone name the time-zone database knows (`Asia/Manila`); a 400 naming the field otherwise. */
export function IsTimeZone(): PropertyDecorator {
  return (target, propertyName) => {
    registerDecorator({
      name: 'isTimeZone',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isValidTimeZone(value),
        defaultMessage: (args: ValidationArguments) => `${args.property} must be an IANA time zone such as Asia/Manila or Asia/Ho_Chi_Minh`,
      },
    });
  };
}
