// A Switchboard fleet as deploy/compose.yaml runs it, on loopback and without containers: Debian's nginx started with
// deploy/nginx.conf itself, in front of `switchboard serve` processes on fixed ports (restarted on the same port).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  copyFileSync,
  chmodSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'vite';

const REPO = path.join(import.meta.dirname, '../..');

/** Debian's nginx: on PATH, or in /usr/sbin (not on a normal user's PATH). */
const NGINX = ['nginx', '/usr/sbin/nginx'].find((binary) => {
  const found = spawnSync(binary, ['-v'], { stdio: 'ignore' });
  return found.error === undefined && found.status === 0;
});

/** Why the fleet tests cannot run here, or undefined when nginx is installed. */
export function nginxMissing(): string | undefined {
  return NGINX === undefined
    ? 'nginx is not installed: the fleet tests are skipped (Debian: apt-get install nginx; CI installs it in .ci/run)'
    : undefined;
}

/** Every child this file started and that still runs: killed if the test process exits without stopping them. */
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** Keeps `child` in {@link children} while it runs. */
function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

/**
 * The CLI bundled into one file (vite, as the console is built) beside the built-in catalog, with the repository's
 * node_modules linked next to it for its dependencies. Plain `node` starts it in about a second where tsx needs
 * several on a loaded machine: the fleet tests start gateways seven times.
 */
export async function bundleGateway(dir: string): Promise<string> {
  const out = path.join(dir, 'gateway');
  await build({
    configFile: false,
    logLevel: 'warn',
    root: REPO,
    build: {
      ssr: path.join(REPO, 'src/cli/index.ts'),
      outDir: out,
      emptyOutDir: true,
      minify: false,
      target: 'node20',
      rollupOptions: { output: { format: 'es', codeSplitting: false } },
    },
    ssr: { target: 'node' },
  });
  copyFileSync(path.join(REPO, 'src/catalog/catalog.yaml'), path.join(out, 'catalog.yaml'));
  symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'));
  return path.join(out, 'index.js');
}

/** One `switchboard serve` of the fleet, on its own port for its whole life. */
export interface FleetGateway {
  name: string;
  port: number;
  /** e.g. http://127.0.0.1:PORT, for what an orchestrator does directly (readiness); traffic goes through nginx. */
  url: string;
  /** Starts it (again); resolves once it listens. */
  start(): Promise<void>;
  /** Sends `signal` and resolves once it exited, with how. */
  stop(signal: 'SIGTERM' | 'SIGKILL'): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** What it printed in its current life. */
  output(): string;
}

/** `switchboard serve` from `bundle`, named `name` (its FLEET_INSTANCE), with `env` as its environment besides PATH. */
export function fleetGateway(
  bundle: string,
  name: string,
  port: number,
  configFile: string,
  env: Record<string, string>,
): FleetGateway {
  let child: ChildProcess | undefined;
  let out = '';
  const gateway: FleetGateway = {
    name,
    port,
    url: `http://127.0.0.1:${port}`,
    output: () => out,
    start() {
      out = '';
      const args = [bundle, 'serve', '--config', configFile, '--port', String(port), '--host', '127.0.0.1'];
      const started = track(
        spawn(process.execPath, args, {
          cwd: path.dirname(configFile),
          env: { PATH: process.env['PATH'] ?? '', ...env, FLEET_INSTANCE: name },
        }),
      );
      child = started;
      return new Promise((resolve, reject) => {
        const onData = (data: Buffer) => {
          out += data.toString();
          if (/listening on http/.test(out)) resolve();
        };
        started.stdout?.on('data', onData);
        started.stderr?.on('data', onData);
        started.once('exit', (code) => reject(new Error(`${name} exited (${code}) before listening:\n${out}`)));
      });
    },
    stop(signal) {
      const running = child;
      if (running === undefined || running.exitCode !== null || running.signalCode !== null) {
        return Promise.resolve({ code: running?.exitCode ?? null, signal: running?.signalCode ?? null });
      }
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        running.once('exit', (code, how) => resolve({ code, signal: how })),
      );
      running.kill(signal);
      return exited;
    },
  };
  return gateway;
}

/** nginx as a child process of the test, with its prefix, pid file and logs in its own directory. */
export interface Nginx {
  url: string;
  /** The access log's lines so far (deploy/nginx.conf's `switchboard` format). */
  accessLog(): string[];
  stop(): Promise<void>;
}

/**
 * Starts nginx with deploy/nginx.conf (linked, not copied, into `dir`/conf) and, beside it, the two files that
 * differ from compose: the upstream servers (`ports` on 127.0.0.1, back in rotation 1 s after a failure) and the
 * listen address. In the foreground (`daemon off`), so that killing the child stops it.
 */
export async function startNginx(dir: string, ports: number[]): Promise<Nginx> {
  const prefix = path.join(dir, 'nginx');
  const conf = path.join(prefix, 'conf');
  mkdirSync(conf, { recursive: true });
  // nginx's workers drop root: they must be able to reach the temp directories under the prefix.
  chmodSync(dir, 0o755);
  chmodSync(prefix, 0o755);
  symlinkSync(path.join(REPO, 'deploy/nginx.conf'), path.join(conf, 'nginx.conf'));
  const servers = ports.map((port) => `server 127.0.0.1:${port} max_fails=1 fail_timeout=1s;\n`);
  writeFileSync(path.join(conf, 'switchboard-upstreams.conf'), servers.join(''));
  const port = await freePort();
  writeFileSync(path.join(conf, 'switchboard-listen.conf'), `listen 127.0.0.1:${port};\n`);
  const accessLog = path.join(prefix, 'access.log');
  const errorLog = path.join(prefix, 'error.log');
  const args = ['-e', 'stderr', '-p', `${prefix}/`, '-c', path.join(conf, 'nginx.conf')];
  const child = track(
    spawn(NGINX ?? 'nginx', [...args, '-g', `daemon off; pid ${path.join(prefix, 'nginx.pid')};`], {
      stdio: ['ignore', openSync(accessLog, 'a'), openSync(errorLog, 'a')],
    }),
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitForPort(port, child, errorLog);
  return {
    url: `http://127.0.0.1:${port}`,
    accessLog: () => readFileSync(accessLog, 'utf8').split('\n').filter(Boolean),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        // SIGQUIT would wait for the open connections; the test is over.
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

/** Resolves once something accepts connections on `port`; rejects if nginx exits first (with its error log). */
async function waitForPort(port: number, child: ChildProcess, errorLog: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`nginx exited:\n${readFileSync(errorLog, 'utf8')}`);
    // A bare connection, not a request: one would go to a gateway and count in nginx's view of it.
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`nginx did not listen on ${port}:\n${readFileSync(errorLog, 'utf8')}`);
}

/** A temp directory for the fleet's files. */
export function fleetDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'sb-fleet-'));
}
