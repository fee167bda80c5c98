import { Injectable, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { graphBaseUrl, type AppConfig } from '../../config/app-config';
import { readConfiguration } from '../../config/configuration';
import { AppModule } from '../app.module';
import { SystemClock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { GraphEndpoint } from '../common/graph-endpoint';
import { JsonLogger } from '../common/json-logger';

/** An operator error: printed as `error: <message>` on one line, exit code 1, no stack trace. */
export class CliError extends Error {}

/**
 * What every command needs: the configuration (read on first use, so `--help` works without one) and the
 * application without HTTP or worker loops, opened for one piece of work and closed after it.
 */
@Injectable()
export class CliContext {
  private configRead: Promise<AppConfig> | undefined;

  config(): Promise<AppConfig> {
    this.configRead ??= readConfiguration();
    return this.configRead;
  }

  async withApp<T>(work: (app: INestApplicationContext) => Promise<T>): Promise<T> {
    const config = await this.config();
    const app: INestApplicationContext = await NestFactory.createApplicationContext(
      AppModule.forRoot({
        config: { ...config, roles: [] },
        clock: new SystemClock(),
        graphEndpoint: new GraphEndpoint(graphBaseUrl(config.graph), config.graph.appSecret),
      }),
      { logger: new JsonLogger('warn') },
    );
    try {
      return await work(app);
    } finally {
      await app.close();
    }
  }
}

/** Writes one line to stdout (what a command prints for the operator or a script). */
export const print = (line: string): void => void process.stdout.write(`${line}\n`);

/** Turns the service's 404 for `what` into the operator's sentence naming the id ("no shop with id …"). */
export async function orNotFound<T>(work: Promise<T>, what: string, id: string): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof DomainError && error.status === 404) throw new CliError(`no ${what} with id ${id}`);
    throw error;
  }
}
