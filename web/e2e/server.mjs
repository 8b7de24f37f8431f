// Starts and stops a real `gammaflow serve` on the simulator for the end-to-end test.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const WEB = resolve(here, '..');
export const REPO = resolve(WEB, '..');

/** The gammaflow binary: `GAMMAFLOW_BIN`, else the debug build, else the release build. */
export function gammaflowBinary() {
  const candidates = [
    process.env.GAMMAFLOW_BIN,
    resolve(REPO, 'target/debug/gammaflow'),
    resolve(REPO, 'target/release/gammaflow'),
  ].filter(Boolean);
  const found = candidates.find((p) => existsSync(p));
  if (!found) {
    throw new Error(
      `no gammaflow binary at ${candidates.join(' or ')}: run \`cargo build\` first or set GAMMAFLOW_BIN`,
    );
  }
  return found;
}

/**
 * Runs `gammaflow serve` with `args` and resolves once it prints its address
 * (`gammaflow: serving http://ADDR`, the first line on stdout). Rejects with the server's stderr
 * if it exits first or takes longer than `timeoutMs`.
 */
export function startServer(args, { timeoutMs = 60_000 } = {}) {
  const binary = gammaflowBinary();
  const child = spawn(binary, ['serve', ...args], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'warn' },
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk.toString()).slice(-8000);
  });
  return new Promise((resolvePromise, reject) => {
    let stdout = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`gammaflow serve did not start within ${timeoutMs} ms:\n${stderr}`));
    }, timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`gammaflow serve exited (${code ?? signal}) before serving:\n${stderr}`));
    });
    child.stdout.on('data', (chunk) => {
      stdout += chunk.toString();
      const match = stdout.match(/gammaflow: serving (http:\/\/\S+)/);
      if (match) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolvePromise({
          child,
          url: match[1],
          stderr: () => stderr,
          exited: new Promise((r) => child.on('exit', (code, sig) => r(code ?? sig))),
        });
      }
    });
  });
}

/** Stops a server: SIGTERM (graceful) or SIGKILL (crash), and waits for the exit. */
export async function stopServer(server, signal = 'SIGTERM') {
  if (server.child.exitCode !== null || server.child.signalCode !== null) {
    return;
  }
  server.child.kill(signal);
  const timeout = new Promise((r) => setTimeout(r, 20_000, 'timeout'));
  if ((await Promise.race([server.exited, timeout])) === 'timeout') {
    server.child.kill('SIGKILL');
    await server.exited;
  }
}
