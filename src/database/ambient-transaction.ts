import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, QueryRunner } from 'typeorm';

const ambient = new AsyncLocalStorage<QueryRunner>();
const installed = new WeakSet<DataSource>();

/**
 * Lets code that was written against the DataSource (repositories, `dataSource.query`) take part in a
 * transaction opened further up the call chain, without passing an EntityManager down: inside
 * `inAmbientTransaction`, every query runner the DataSource hands out is the transaction's own connection
 * (its `release()` is left to the transaction). Used where many small writes should share one commit
 * (a batch of webhook deliveries). SQLite has a single connection already; its gate gives the same effect.
 */
export function installAmbientTransactions(dataSource: DataSource): void {
  if (dataSource.options.type !== 'mysql' || installed.has(dataSource)) return;
  installed.add(dataSource);
  const createQueryRunner = dataSource.createQueryRunner.bind(dataSource);
  dataSource.createQueryRunner = ((mode) => {
    const runner = ambient.getStore();
    return runner ? borrowed(runner) : createQueryRunner(mode);
  }) as DataSource['createQueryRunner'];
}

/** Runs `work` in one transaction that every query issued inside it (directly or by callees) joins. */
export function inAmbientTransaction<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  if (dataSource.options.type !== 'mysql') return dataSource.transaction(() => work());
  return dataSource.transaction((em) => ambient.run(em.queryRunner!, work));
}

/** The transaction's runner as seen by a callee: everything but `release()`, which is the transaction's to do. */
function borrowed(runner: QueryRunner): QueryRunner {
  return new Proxy(runner, {
    get: (target, property) => (property === 'release' ? () => Promise.resolve() : Reflect.get(target, property, target)),
  });
}
