import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { ValidationFailed } from '../common/http-error.filter';
import { flatten } from '../common/validation.pipe';
import { OrderEventDto, type OrderEventResult } from './dto/order-event.dto';
import { OrderEventsService } from './order-events.service';
import { PosOrderEvents, type PosOrderStatusChanged } from './pos-order-events';

/** The embedded POS's door: the same validation and the same handler as POST /api/pos/order-events. */
@Injectable()
export class PosOrderEventsListener {
  constructor(private readonly orderEvents: OrderEventsService) {}

  // suppressErrors: false, so the POS's emitAsync rejects instead of the error being logged and lost.
  @OnEvent(PosOrderEvents.StatusChanged, { suppressErrors: false })
  async onStatusChanged(event: PosOrderStatusChanged): Promise<OrderEventResult> {
    const { shopId, occurredAt, ...fields } = event;
    const dto = plainToInstance(OrderEventDto, {
      ...fields,
      occurredAt: occurredAt instanceof Date ? occurredAt.toISOString() : occurredAt,
    });
    const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
    // The HTTP pipe's flattening, so that a nested field (items.0.price) is named here too.
    if (errors.length > 0) throw new ValidationFailed(flatten(errors));
    return this.orderEvents.accept(shopId, dto);
  }
}
