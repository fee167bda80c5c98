import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { startMessengerSandbox, type RunningSandbox } from '../libs/messenger-sandbox/src';
import { ConfigError, graphBaseUrl, SANDBOX_API_VERSION, type AppConfig } from '../config/app-config';
import { readConfiguration } from '../config/configuration';
import { createApp } from './bootstrap';
import { checkDatabaseReachable } from './database/database-preflight';
import { LOCAL_RUN_SANDBOX_SETTINGS } from './messenger/local-run-sandbox';
import { SystemClock } from './common/clock';
import { GraphEndpoint } from './common/graph-endpoint';
import { JsonLogger } from './common/json-logger';

/** With no Meta credentials the plugin talks to the bundled sandbox, which posts its webhooks back to us. */
async function startSandboxIfNeeded(config: AppConfig, logger: Logger): Promise<RunningSandbox | undefined> {
  if (config.graph.mode !== 'sandbox') return undefined;
  const sandbox = await startMessengerSandbox({
    port: config.graph.port,
    appSecret: config.graph.appSecret,
    apiVersion: SANDBOX_API_VERSION,
    webhookUrl: `${config.publicUrl}/webhooks/messenger`,
    // The app runs on real time here, so the sandbox's windows and limits must too.
    followWallClock: true,
    settings: LOCAL_RUN_SANDBOX_SETTINGS,
    logger: (line) => logger.debug(line),
  });
  logger.log(
    `No Meta credentials (GRAPH_API_URL, META_APP_SECRET): using the bundled Messenger sandbox at ${sandbox.url} (control API under /_sandbox)`,
  );
  return sandbox;
}

async function main(): Promise<void> {
  const config = await readConfiguration();
  // JSON from the first line on, including what is logged before Nest starts (the sandbox).
  Logger.overrideLogger(new JsonLogger(config.logLevel));
  const logger = new Logger('Main');
  await checkDatabaseReachable(config.database);
  const sandbox = await startSandboxIfNeeded(config, logger);
  // The sandbox's own URL: with SANDBOX_PORT=0 only it knows the port it bound.
  const graphUrl = sandbox?.graphUrl ?? graphBaseUrl(config.graph);
  const app = await createApp({
    config,
    clock: new SystemClock(),
    graphEndpoint: new GraphEndpoint(graphUrl, config.graph.appSecret, sandbox?.control),
  });
  if (sandbox) process.once('beforeExit', () => void sandbox.close());
  await app.listen(config.port, config.host);
  const { port } = app.getHttpServer().address() as AddressInfo;
  // With PORT=0 the webhook URL is known only now.
  if (sandbox && config.port === 0) await sandbox.control.setWebhookTarget(`http://127.0.0.1:${port}/webhooks/messenger`);
  logger.log({ msg: 'listening', port, database: config.database.dialect, graph: config.graph.mode, roles: config.roles });
}

main().catch((error: unknown) => {
  // One clear line per problem, no stack trace: these are operator errors, not bugs.
  if (error instanceof ConfigError) {
    for (const problem of error.problems) process.stderr.write(`config error: ${problem}\n`);
  } else {
    process.stderr.write(`startup failed: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
});
