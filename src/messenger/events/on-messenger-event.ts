import { OnEvent } from '@nestjs/event-emitter';
import type { MessengerEventName } from './messenger-events';

/**
 * `@OnEvent` that lets a listener's failure reach the inbox processor (which then retries the row),
 * instead of @nestjs/event-emitter's default of logging and swallowing it.
 */
export const OnMessengerEvent = (name: MessengerEventName): MethodDecorator => OnEvent(name, { suppressErrors: false });
