import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError, graphBaseUrl, loadConfig } from '../config/app-config';
import { AppModule } from './app.module';
import { SystemClock } from './common/clock';
import { GraphEndpoint } from './common/graph-endpoint';
import { JsonLogger } from './common/json-logger';
import { checkDatabaseReachable } from './database/database-preflight';

/**
 * The worker entry point: the same AppModule as the API, with the `worker` role only and no HTTP
 * listener, so any number of these share one MySQL database (claims are atomic there). With no Meta
 * credentials it talks to the sandbox an API process (`npm start`) runs on SANDBOX_PORT.
 */
async function main(): Promise<void> {
  const config = { ...loadConfig(), roles: ['worker' as const] };
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
  logger.log({ msg: 'worker running', database: config.database.dialect, graph: config.graph.mode, pid: process.pid });
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    for (const problem of error.problems) process.stderr.write(`config error: ${problem}\n`);
  } else {
    process.stderr.write(`worker failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
});
