import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentShop, ShopScoped } from '../shops/api-key.guard';
import { OrderEventDto, OrderEventResult } from './dto/order-event.dto';
import { OrderEventsService } from './order-events.service';

@ApiTags('pos')
@ShopScoped()
@Controller('api/pos/order-events')
export class OrderEventsController {
  constructor(private readonly orderEvents: OrderEventsService) {}

  /** Stored (and its runs started) before the answer; sending follows in the worker. Safe to repeat. */
  @Post()
  @HttpCode(202)
  accept(@CurrentShop() shopId: string, @Body() dto: OrderEventDto): Promise<OrderEventResult> {
    return this.orderEvents.accept(shopId, dto);
  }
}
