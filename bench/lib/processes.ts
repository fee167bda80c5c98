import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isValidSignature } from '../../src/messenger/inbox/webhook-signature';

export interface Child {
  process: ChildProcess;
  port: number;
  stderr: () => string;
}

/** Spawns a node script and resolves with the port from its `{"msg":"listening","port":…}` line. */
export function spawnListening(args: string[], env: NodeJS.ProcessEnv): Promise<Child> {
  return new Promise((resolveChild, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let listening = false;
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    // Read stdout to the end: a child writing to a full pipe would block (stdout pipes are synchronous on Linux).
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      if (listening) return;
      out += chunk;
      const lines = out.split('\n');
      out = lines.pop() ?? '';
      for (const line of lines) {
        const port = listeningPort(line);
        if (port === undefined) continue;
        listening = true;
        resolveChild({ process: child, port, stderr: () => err });
        return;
      }
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited (${code}) before listening: ${err}`)));
  });
}

function listeningPort(line: string): number | undefined {
  if (!line.includes('"listening"')) return undefined;
  try {
    const parsed = JSON.parse(line) as { msg?: string; port?: number };
    return parsed.msg === 'listening' ? parsed.port : undefined;
  } catch {
    return undefined;
  }
}

export async function stop(child: Child): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  const exited = new Promise((r) => child.process.once('exit', r));
  child.process.kill('SIGTERM');
  const timer = setTimeout(() => child.process.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** The bare baseline server (run it in its own process): read the body, check the HMAC, answer. */
export function serveBareWebhooks(appSecret: string): void {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const valid = isValidSignature(Buffer.concat(chunks), req.headers['x-hub-signature-256'] as string | undefined, appSecret);
      res.writeHead(valid ? 200 : 403, { 'Content-Type': 'application/json' }).end(valid ? '{"received":true}' : '{"statusCode":403}');
    });
  });
  server.keepAliveTimeout = 30_000;
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(JSON.stringify({ msg: 'listening', port: (server.address() as AddressInfo).port }) + '\n');
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}
