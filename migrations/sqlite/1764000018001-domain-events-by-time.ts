import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The outbox's retention (EndpointDeliveryWorker) deletes events by age: an index on occurred_at serves it. */
export class DomainEventsByTime1764000018001 implements MigrationInterface {
  name = 'DomainEventsByTime1764000018001';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX ix_domain_events_time ON domain_events (occurred_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX ix_domain_events_time');
  }
}
