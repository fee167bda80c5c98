import { Global, Module } from '@nestjs/common';
import { DomainEvents } from './domain-events.service';

/**
 * Domain events out of the plugin: DomainEvents (outbox + in-process emit after commit) for every module
 * that changes something a POS cares about (global, so those modules need not import this one).
 */
@Global()
@Module({
  providers: [DomainEvents],
  exports: [DomainEvents],
})
export class IntegrationsModule {}
