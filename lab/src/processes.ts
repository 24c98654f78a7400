import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';

/**
 * Starts the lab's real programs so that none can outlive the lab: each runs under
 * `setpriv --pdeathsig SIGKILL`, so the kernel kills it if the lab process dies for any reason, and stop()
 * sends SIGTERM, then SIGKILL to what is left. Each runs in its own process group, so a terminal's Ctrl-C
 * reaches only the lab, which then stops them in order.
 */
export interface SpawnOptions {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** Share the lab's stdout and stderr (the demo's app) instead of writing a log file. */
  inheritOutput?: boolean;
}

export interface LabProcess {
  name: string;
  child: ChildProcess;
  logFile: string;
  exited: Promise<number | null>;
}

export class ProcessGroup {
  private readonly processes: LabProcess[] = [];
  private stopping = false;

  constructor(private readonly logDir: string, private readonly onUnexpectedExit: (process: LabProcess, code: number | null) => void) {}

  start({ name, command, args, env, inheritOutput = false }: SpawnOptions): LabProcess {
    const logFile = join(this.logDir, `${name}.log`);
    const log = createWriteStream(logFile);
    const child = spawn('setpriv', ['--pdeathsig', 'SIGKILL', '--', command, ...args], {
      stdio: inheritOutput ? ['ignore', 'inherit', 'inherit'] : ['ignore', 'pipe', 'pipe'],
      detached: true,
      env: env ?? process.env,
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    const exited = new Promise<number | null>((resolve) => {
      child.once('exit', (code) => resolve(code));
      child.once('error', (error) => {
        log.write(`spawn failed: ${error.message}\n`);
        resolve(-1);
      });
    });
    const entry: LabProcess = { name, child, logFile, exited };
    void exited.then((code) => {
      if (!this.stopping) this.onUnexpectedExit(entry, code);
    });
    this.processes.push(entry);
    return entry;
  }

  async stopAll(graceMs = 5_000): Promise<void> {
    this.stopping = true;
    const running = this.processes.filter((entry) => entry.child.exitCode === null && entry.child.signalCode === null);
    for (const entry of running) entry.child.kill('SIGTERM');
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
    const all = Promise.all(running.map((entry) => entry.exited));
    if ((await Promise.race([all, timeout])) === 'timeout') {
      for (const entry of running) if (entry.child.exitCode === null) entry.child.kill('SIGKILL');
      await all;
    }
  }

  pids(): number[] {
    return this.processes.map((entry) => entry.child.pid).filter((pid): pid is number => pid !== undefined);
  }
}
