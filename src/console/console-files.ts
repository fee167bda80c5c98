import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The folder of the console's built files (`console/dist`, made by `npm run build:console`), found by
 * walking up from this file, so it is the same from `src/` (tests), `dist/src/` (npm start) and from
 * `node_modules/<package>/dist/src/` when a host imports the module.
 */
export function consoleDistDir(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'console', 'index.html'))) return join(dir, 'console', 'dist');
    if (dirname(dir) === dir) return join(from, 'console', 'dist');
  }
}
