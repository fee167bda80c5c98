import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const ROOT = resolve(__dirname, '../..');
let built: Promise<string> | undefined;

/**
 * Compiles the shipped code (tsconfig.build.json) once per test run into the run's build directory
 * (MM_TEST_BUILD_DIR, made by global-setup; a directory of its own outside it) and returns the worker
 * entry point. Every file that spawns the built code (workers, the CLI, TypeORM's CLI) shares that one
 * compile; a private output keeps parallel runs off each other's dist/.
 */
export function buildWorkerEntry(): Promise<string> {
  built ??= (async () => {
    const outDir = process.env.MM_TEST_BUILD_DIR ?? mkdtempSync(join(tmpdir(), 'mm-worker-build-'));
    const entry = join(outDir, 'src/worker.js');
    if (existsSync(join(outDir, 'src/cli.js')) && existsSync(entry)) return entry;
    try {
      await promisify(execFile)(
        process.execPath,
        [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', outDir],
        { cwd: ROOT },
      );
    } catch (error) {
      // tsc still emits when a file elsewhere in the tree has a type error (the type check is its own
      // step); only a missing entry point is this test's problem.
      if (!existsSync(entry)) throw error;
    }
    return entry;
  })();
  return built;
}

export interface WorkerProcess {
  pid: number;
  child: ChildProcess;
  /** Port of its own health and metrics listener (WORKER_HTTP_PORT, any free one unless the test set it). */
  httpPort: number;
  /** Everything it wrote, for a failing test to show. */
  output: string[];
  exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): void;
  /** Peak resident set size (VmHWM) in MB, while it runs. */
  peakRssMb(): number;
}

/** Starts `node <entry>` as a real OS process with the given configuration (ROLES=worker). */
export async function spawnWorker(entry: string, env: Record<string, string>): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [entry], {
    cwd: ROOT,
    // The compiled output lives outside the project: resolve packages from its node_modules.
    env: { PATH: process.env.PATH ?? '', NODE_PATH: join(ROOT, 'node_modules'), ROLES: 'worker', WORKER_HTTP_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  let ready: (httpPort: number) => void = () => undefined;
  const started = new Promise<number>((r) => (ready = r));
  const collect = (chunk: Buffer): void => {
    const text = chunk.toString();
    output.push(text);
    if (output.length > 2000) output.splice(0, output.length - 2000);
    const running = /"worker running".*"httpPort":(\d+)/.exec(text);
    if (running) ready(Number(running[1]));
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const httpPort = await Promise.race([
    started,
    exited.then((code) => {
      throw new Error(`worker exited (${code}) before it was ready:\n${output.join('')}`);
    }),
  ]);
  return {
    pid: child.pid!,
    child,
    httpPort,
    output,
    exited,
    kill: (signal) => void child.kill(signal),
    peakRssMb: () => peakRssMb(child.pid!),
  };
}

export function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)\s+kB/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}
