import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface ServerProcessOptions {
  port: number;
  dataDir: string;
  databaseUrl?: string;
  logLevel?: string;
  /** A built client other than dist/client (the server's CLIENT_DIR). */
  clientDir?: string;
  /**
   * Run the compiled server (`dist/server/main.mjs`, as `npm start` does; the caller builds it first with
   * `buildServerIfStale`) instead of the sources under tsx: benchmarks measure what production runs.
   */
  compiled?: boolean;
}

/**
 * The real server as a child process (one node process, so that SIGKILL kills exactly the server), for tests
 * that must stop it the hard way or check what a signal does.
 */
export class ServerProcess {
  child: ChildProcess | null = null;
  output = '';

  constructor(readonly options: ServerProcessOptions) {}

  get url(): string {
    return `http://127.0.0.1:${this.options.port}`;
  }

  async start(timeoutMs = 60_000): Promise<void> {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(this.options.port),
      HOST: '127.0.0.1',
      DATA_DIR: this.options.dataDir,
      LOG_LEVEL: this.options.logLevel ?? 'warn',
    };
    delete env.DATABASE_URL;
    if (this.options.databaseUrl) env.DATABASE_URL = this.options.databaseUrl;
    delete env.CLIENT_DIR;
    if (this.options.clientDir) env.CLIENT_DIR = this.options.clientDir;
    const args = this.options.compiled ? ['dist/server/main.mjs'] : ['--import', 'tsx', 'src/server/cli/main.ts'];
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: 'pipe' });
    this.child = child;
    child.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${this.output}`);
      try {
        const res = await fetch(`${this.url}/api/health`);
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`server did not start in ${timeoutMs} ms:\n${this.output}`);
  }

  /** Sends a signal and resolves with the exit code (or the signal name). */
  stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | string | null> {
    const child = this.child;
    if (!child || child.exitCode !== null) return Promise.resolve(child?.exitCode ?? null);
    return new Promise((resolve) => {
      child.once('exit', (code, sig) => resolve(code ?? sig));
      child.kill(signal);
    });
  }
}
