#!/usr/bin/env node
import 'reflect-metadata';
import { CommandFactory } from 'nest-commander';
import { ConfigError } from '../config/app-config';
import { CliModule } from './cli/cli.module';

/**
 * The operator's CLI: `npm run cli -- <command>` or `npx mm-plugin <command>` after `npm run build`
 * (no rebuild per call); `--help` on any command. Operator errors print one line (`error: …`, or
 * `config error: …` per bad setting) and exit 1; usage errors are commander's, with exit code 1.
 */
async function main(): Promise<void> {
  await CommandFactory.run(CliModule, {
    cliName: 'mm-plugin',
    logger: ['error'],
    serviceErrorHandler: (error: Error) => {
      const lines = error instanceof ConfigError ? error.problems.map((p) => `config error: ${p}`) : [`error: ${error.message}`];
      process.stderr.write(lines.join('\n') + '\n');
      process.exit(1);
    },
  });
}

void main();
