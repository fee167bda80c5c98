import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ErrorBody } from '../common/openapi';
import { CurrentShop, ShopScoped } from '../shops/api-key.guard';
import { OrderEventDto, OrderEventResult } from './dto/order-event.dto';
import { OrderEventsService } from './order-events.service';

@ApiTags('pos')
@ShopScoped()
@ApiErrors(400, 404)
@Controller('api/pos/order-events')
export class OrderEventsController {
  constructor(private readonly orderEvents: OrderEventsService) {}

  /**
   * Stored (and its runs started) before the answer; sending follows in the worker. Safe to repeat: a
   * repeat of a dispatched event is a duplicate; a repeat of a skipped one is evaluated again.
   */
  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'An order changed status in the POS',
    description:
      'Per active rule of the Page for the new status: dispatched (the sequence run started), skipped (with the reason, e.g. ' +
      '`window_closed` / `never_wrote`) or a duplicate. One dispatch per rule, order and status, ever. Posting the same event ' +
      'again re-evaluates the rules it was skipped for (the customer may have written since): they are dispatched now, or ' +
      'reported skipped again with the current reason; rules already dispatched are duplicates. The decision sees every ' +
      'webhook delivery about the customer that Meta was already answered for.',
  })
  @ApiResponse({ status: 202, type: OrderEventResult, description: 'What became of the event, per matching active rule' })
  @ApiResponse({
    status: 503,
    type: ErrorBody,
    description:
      '`webhooks_pending`: webhook deliveries about the customer were acknowledged to Meta but could not be applied within ' +
      '5 s (no worker took them). Nothing was stored; send the event again at or after `details.retryAt` (ISO 8601).',
  })
  accept(@CurrentShop() shopId: string, @Body() dto: OrderEventDto): Promise<OrderEventResult> {
    return this.orderEvents.accept(shopId, dto);
  }
}
