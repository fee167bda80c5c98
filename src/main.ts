import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { ConfigError, loadConfig } from '../config/app-config';
import { createApp } from './bootstrap';
import { SystemClock } from './common/clock';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApp({ config, clock: new SystemClock() });
  await app.listen(config.port, config.host);
  const { port } = app.getHttpServer().address() as AddressInfo;
  new Logger('Main').log({ msg: 'listening', port, database: config.database.dialect, roles: config.roles });
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
