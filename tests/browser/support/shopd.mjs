// Starts the real shopd binary for a browser test: a free loopback port, a fresh data
// directory, the source tree's config/dev.toml, and its output kept for the failure message.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export function requiredEnv(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (ctest sets it; see tests/CMakeLists.txt)`);
  return value;
}

export async function freePort() {
  const server = net.createServer();
  await new Promise((resolve, reject) => server.listen(0, '127.0.0.1', resolve).on('error', reject));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class Shopd {
  /** @param {{binary: string, sourceDir: string, env?: Record<string, string>}} options */
  constructor({ binary, sourceDir, env = {} }) {
    this.binary = binary;
    this.sourceDir = sourceDir;
    this.extraEnv = env;
    this.output = '';
    this.exit = null;
  }

  get baseUrl() {
    return `http://127.0.0.1:${this.port}`;
  }

  async start({ timeoutMs = 30000 } = {}) {
    this.port = await freePort();
    this.dataDir = await mkdtemp(path.join(os.tmpdir(), 'shopd-browser-data-'));
    const config = path.join(this.sourceDir, 'config', 'dev.toml');
    this.process = spawn(this.binary, ['--config', config, 'serve'], {
      cwd: this.sourceDir,
      env: {
        ...process.env,
        SHOPD_HTTP_HOST: '127.0.0.1',
        SHOPD_HTTP_PORT: String(this.port),
        SHOPD_DATA_DIR: this.dataDir,
        ...this.extraEnv,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk) => { this.output += chunk; };
    this.process.stdout.on('data', keep);
    this.process.stderr.on('data', keep);
    this.exited = new Promise((resolve) => {
      this.process.on('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
    await this.waitLive(timeoutMs);
  }

  async waitLive(timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exit) throw new Error(`shopd exited early ${JSON.stringify(this.exit)}:\n${this.output}`);
      try {
        const response = await fetch(`${this.baseUrl}/livez`);
        if (response.status === 200) return;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    throw new Error(`shopd did not answer /livez within ${timeoutMs} ms:\n${this.output}`);
  }

  /** Sends SIGTERM and returns {code, signal} once shopd has exited. */
  async stop({ timeoutMs = 20000 } = {}) {
    if (this.exit) return this.exit;
    this.process.kill('SIGTERM');
    let timer;
    const timeout = new Promise((resolve) => { timer = setTimeout(resolve, timeoutMs, null); });
    const result = await Promise.race([this.exited, timeout]);
    clearTimeout(timer);
    if (!result) throw new Error(`shopd did not exit within ${timeoutMs} ms of SIGTERM:\n${this.output}`);
    return result;
  }

  /** Whether shopd still runs, and the end of its output: for a failing test's message. */
  describe(lines = 40) {
    const state = this.exit ? `exited ${JSON.stringify(this.exit)}` : 'still running';
    const tail = this.output.trimEnd().split('\n').slice(-lines).join('\n');
    return `shopd ${state}; last output:\n${tail}`;
  }

  /** Kills a shopd that is still running and removes its data directory. */
  async cleanup() {
    if (this.process && !this.exit) {
      this.process.kill('SIGKILL');
      await this.exited;
    }
    if (this.dataDir) await rm(this.dataDir, { recursive: true, force: true });
  }
}
