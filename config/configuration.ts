import { resolve } from 'node:path';
import { ConfigModule } from '@nestjs/config';
import { loadConfig, type AppConfig, type Env } from './app-config';

/**
 * The configuration of a process, read through @nestjs/config: the process's own variables, and a `.env`
 * file (dotenv syntax, default `./.env` in the working directory) for the variables the process does not
 * set, so a real variable always wins over the file. Both go through the one validation of
 * `loadConfig`; a bad value in either throws its ConfigError (one line per problem, naming the variable).
 * Side effect, as with dotenv: the file's variables are copied into `process.env` where not set.
 */
export async function readConfiguration(envFilePath = resolve('.env')): Promise<AppConfig> {
  let config: AppConfig | undefined;
  await ConfigModule.forRoot({
    envFilePath,
    // @nestjs/config hands over `{ ...fileVariables, ...process.env }`: the precedence above.
    validate: (variables) => {
      config = loadConfig(variables as Env);
      return variables;
    },
  });
  return config!;
}
