import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError, graphBaseUrl } from '../config/app-config';
import { readConfiguration } from '../config/configuration';
import { AppModule } from './app.module';
import { SystemClock } from './common/clock';
import { GraphEndpoint } from './common/graph-endpoint';
import { JsonLogger } from './common/json-logger';
import { checkDatabaseReachable } from './database/database-preflight';
import { WorkerHttpServer } from './metrics/worker-http-server';

/**
 * The worker entry point: the same AppModule as the API, with the `worker` role only and no HTTP
 * API, so any number of these share one MySQL database (claims are atomic there). With no Meta
 * credentials it talks to the sandbox an API process (`npm start`) runs on SANDBOX_PORT. It serves its
 * health and metrics on WORKER_HTTP_PORT (WorkerHttpServer).
 */
async function main(): Promise<void> {
  const config = { ...(await readConfiguration()), roles: ['worker' as const] };
  const logger = new Logger('Worker');
  await checkDatabaseReachable(config.database);
  const app = await NestFactory.createApplicationContext(
    AppModule.forRoot({
      config,
      clock: new SystemClock(),
      graphEndpoint: new GraphEndpoint(graphBaseUrl(config.graph), config.graph.appSecret),
    }),
    { logger: new JsonLogger(config.logLevel) },
  );
  app.enableShutdownHooks();
  const http = await WorkerHttpServer.start(app, config.workerHttpPort, config.host);
  // Stop answering probes before the loops drain (Nest's own shutdown hook closes the app).
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void http.close());
  logger.log({
    msg: 'worker running',
    database: config.database.dialect,
    graph: config.graph.mode,
    pid: process.pid,
    httpPort: http.port,
  });
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    for (const problem of error.problems) process.stderr.write(`config error: ${problem}\n`);
  } else {
    process.stderr.write(`worker failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
});
