import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource } from 'typeorm';

/**
 * better-sqlite3 gives TypeORM one connection, so two concurrent `transaction()` calls collide
 * ("cannot start a transaction within a transaction") and any query issued meanwhile would run inside
 * someone else's transaction. This gate makes a transaction exclusive: it waits for the previous one,
 * and queries from outside it wait until it ends. Queries inside it (same async context) pass.
 * Repository `save()` opens transactions of its own that bypass the gate: use insert/update instead.
 */
export function gateSqliteTransactions(dataSource: DataSource): void {
  if (dataSource.options.type !== 'better-sqlite3') return;
  const inside = new AsyncLocalStorage<true>();
  let current: Promise<void> = Promise.resolve();
  let open = 0;

  const runner = dataSource.createQueryRunner();
  const query = runner.query.bind(runner);
  runner.query = (async (...args: Parameters<typeof query>) => {
    while (open > 0 && !inside.getStore()) await current;
    return query(...args);
  }) as typeof runner.query;

  const manager = dataSource.manager;
  const transaction = manager.transaction.bind(manager);
  manager.transaction = (async (...args: Parameters<typeof transaction>) => {
    if (inside.getStore()) return transaction(...args);
    const previous = current;
    let release!: () => void;
    current = new Promise<void>((resolve) => (release = resolve));
    await previous;
    open++;
    try {
      return await inside.run(true, () => transaction(...args));
    } finally {
      open--;
      release();
    }
  }) as typeof manager.transaction;
}
