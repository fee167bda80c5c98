import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource } from 'typeorm';

type Scope = Array<() => void>;
const scopes = new AsyncLocalStorage<Scope>();
const installed = new WeakSet<DataSource>();

/**
 * Makes every `dataSource.transaction(...)` (the outermost one; nested calls join it) collect the
 * callbacks given to `afterCommit` while it runs, and call them once it has committed. A transaction
 * that throws (rolled back) drops them. Idempotent.
 */
export function installAfterCommit(dataSource: DataSource): void {
  if (installed.has(dataSource)) return;
  installed.add(dataSource);
  const manager = dataSource.manager;
  const transaction = manager.transaction.bind(manager);
  manager.transaction = (async (...args: Parameters<typeof transaction>) => {
    if (scopes.getStore()) return transaction(...args);
    const pending: Scope = [];
    const result = await scopes.run(pending, () => transaction(...args));
    for (const callback of pending) callback();
    return result;
  }) as typeof manager.transaction;
}

/** Calls `callback` once the surrounding transaction commits, or now when there is none (the write is already committed). */
export function afterCommit(callback: () => void): void {
  const pending = scopes.getStore();
  if (pending) pending.push(callback);
  else callback();
}
