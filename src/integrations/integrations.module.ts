import { Global, Module } from '@nestjs/common';
import { ShopsModule } from '../shops/shops.module';
import { EndpointDeliveryClaimer } from './delivery/endpoint-delivery-claimer';
import { EndpointDeliveryWorker } from './delivery/endpoint-delivery-worker';
import { EndpointPoster } from './delivery/endpoint-poster';
import { DomainEvents } from './domain-events.service';
import { EndpointsController } from './endpoints.controller';
import { EndpointsService } from './endpoints.service';

/**
 * Domain events out of the plugin: DomainEvents (outbox + in-process emit after commit) for every module
 * that changes something a POS cares about (global, so those modules need not import this one), and the
 * shops' HTTP endpoints with the worker that posts the outbox to them. Owns domain_events,
 * integration_endpoints and endpoint_deliveries.
 */
@Global()
@Module({
  imports: [ShopsModule],
  controllers: [EndpointsController],
  providers: [DomainEvents, EndpointsService, EndpointDeliveryClaimer, EndpointPoster, EndpointDeliveryWorker],
  exports: [DomainEvents, EndpointDeliveryWorker],
})
export class IntegrationsModule {}
