import { Logger } from '@nestjs/common';
import { Worker } from 'node:worker_threads';
import type { DataSource } from 'typeorm';

const CHECKPOINT_EVERY_MS = 200;

/** Runs in the worker thread: its own connection, a passive checkpoint on a timer, a last one on 'stop'. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
const checkpoint = () => db.pragma('wal_checkpoint(PASSIVE)');
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

/**
 * In WAL mode SQLite copies the log back into the database file at checkpoints and fsyncs both. By default
 * the writing connection does that itself, synchronously on the event loop, every 1000 pages: 60 % of the
 * cost of storing a webhook delivery (bench/webhooks.ts). Here a worker thread with a connection of its own
 * runs passive checkpoints (they neither block the writer nor wait for it), and the app's connection stops
 * checkpointing. Should the thread fail, the app's connection takes the job back. The thread stops, after
 * one last checkpoint, when the data source is destroyed.
 */
export function checkpointInBackground(dataSource: DataSource): void {
  const path = dataSource.options.database;
  if (dataSource.options.type !== 'better-sqlite3' || typeof path !== 'string' || path === ':memory:') return;
  const logger = new Logger('SqliteCheckpointer');
  const connection = (dataSource.driver as unknown as { databaseConnection: { pragma(sql: string): unknown } }).databaseConnection;

  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { driver: require.resolve('better-sqlite3'), path, everyMs: CHECKPOINT_EVERY_MS },
  });
  worker.unref();
  connection.pragma('wal_autocheckpoint = 0');
  const stopped = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.once('error', (error) => {
    logger.error({ msg: 'background checkpoints failed; the connection checkpoints itself again', error: error.message });
    if (dataSource.isInitialized) connection.pragma('wal_autocheckpoint = 1000');
  });

  const destroy = dataSource.destroy.bind(dataSource);
  dataSource.destroy = async () => {
    // Referenced again: otherwise, with nothing else pending, the process would end before the last checkpoint.
    worker.ref();
    worker.postMessage('stop');
    await stopped;
    await destroy();
  };
}
