import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { CONFIG_VARIABLES, loadConfig, type Env } from '../../config/app-config';

/**
 * The Dockerfile and compose.yaml, checked without Docker (CI builds the image when a daemon answers,
 * .ci/run): what a reader of these files relies on, against the code they start.
 */
const ROOT = resolve(__dirname, '../..');
const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8');

interface ComposeService {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  network_mode?: string;
  ports?: string[];
  volumes?: string[];
}

describe('Dockerfile', () => {
  const lines = read('Dockerfile')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const stages = lines.filter((l) => l.startsWith('FROM '));
  const finalStage = lines.slice(lines.lastIndexOf(stages.at(-1)!));

  it('builds in one stage and runs from a slim Node LTS image of its own, as an unprivileged user', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage).toMatch(/^FROM node:(22|24)[-.\w]* AS \w+$/);
    const user = finalStage.filter((l) => l.startsWith('USER ')).at(-1);
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^USER (root|0)(:|$)/);
  });

  it('copies only what exists and what .dockerignore lets through, and starts the API entry point', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .filter((l) => l && !l.startsWith('#') && !l.startsWith('!'));
    for (const copy of lines.filter((l) => l.startsWith('COPY ') && !l.includes('--from='))) {
      const sources = copy.split(/\s+/).slice(1, -1);
      for (const source of sources) {
        expect(existsSync(join(ROOT, source))).toBe(true);
        expect(ignored).not.toContain(source);
      }
    }
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', 'data', '.env']));
    const cmd = JSON.parse(
      finalStage
        .filter((l) => l.startsWith('CMD ['))
        .at(-1)!
        .slice(4),
    ) as string[];
    expect(cmd).toEqual(['node', 'dist/src/main.js']);
    expect(existsSync(join(ROOT, 'src/main.ts'))).toBe(true);
  });
});

describe('compose.yaml', () => {
  const compose = parse(read('compose.yaml'), { merge: true }) as { services: Record<string, ComposeService> };
  const services = compose.services;
  const plugin = Object.entries(services).filter(([, s]) => s.build === '.');
  /** The environment as compose gives it when the operator sets nothing: `${NAME:-default}` becomes the default. */
  const envOf = (s: ComposeService): Env =>
    Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, String(v).replace(/\$\{\w+:-([^}]*)\}/g, '$1')]));

  it('runs MariaDB with a utf8mb4 database, the API and two workers built from this Dockerfile', () => {
    expect(services.db!.image).toMatch(/^mariadb:\d+/);
    expect(services.db!.command).toEqual(expect.arrayContaining(['--character-set-server=utf8mb4', '--collation-server=utf8mb4_bin']));
    expect(services.db!.environment!.MARIADB_DATABASE).toBe('mm');
    const workers = plugin.filter(([, s]) => s.command?.includes('dist/src/worker.js'));
    expect(workers).toHaveLength(2);
    expect(plugin.filter(([, s]) => !s.command)).toHaveLength(1);
    expect(existsSync(join(ROOT, 'src/worker.ts'))).toBe(true);
  });

  it('gives every plugin process a configuration the plugin accepts, on the MariaDB service, sharing one data directory', () => {
    for (const [name, service] of plugin) {
      const env = envOf(service);
      for (const key of Object.keys(env)) expect([name, key in CONFIG_VARIABLES ? 'known' : key]).toEqual([name, 'known']);
      const config = loadConfig({ ...env, DATA_DIR: mkdtempSync(join(tmpdir(), 'mm-compose-')) });
      expect(config.database).toMatchObject({ dialect: 'mysql', host: 'db', database: services.db!.environment!.MARIADB_DATABASE });
      expect(service.depends_on?.db?.condition).toBe('service_healthy');
      expect(service.volumes).toContain('plugin-data:/data');
      expect(env.DATA_DIR).toBe('/data');
    }
  });

  it("publishes each worker's health and metrics port, distinct, from the network the workers share with the API", () => {
    const workers = plugin.filter(([, s]) => s.command?.includes('dist/src/worker.js')).map(([, s]) => s);
    const ports = workers.map((w) => envOf(w).WORKER_HTTP_PORT);
    expect(new Set(ports).size).toBe(2);
    for (const w of workers) expect(w.network_mode).toBe('service:api');
    for (const port of [...ports, envOf(services.api!).PORT]) expect(services.api!.ports).toContain(`${port}:${port}`);
  });
});
