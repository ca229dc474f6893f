import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../faults/support/free-port.ts';

/**
 * A second SIPp agent phone of the test's own, on free loopback ports: the live stack's
 * `agent.xml` (answers, echoes RTP) except that it hangs its leg up by itself (sends BYE)
 * `byeAfterMs` after the answer, as an agent's softphone does when the agent closes it.
 */
export class SippPhone {
  readonly contact: string;
  readonly #child: ChildProcess;
  readonly #dir: string;
  #exited: Promise<number | null>;

  private constructor(contact: string, child: ChildProcess, dir: string) {
    this.contact = contact;
    this.#child = child;
    this.#dir = dir;
    this.#exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  static async start(liveDir: string, byeAfterMs: number): Promise<SippPhone> {
    const scenario = await readFile(join(liveDir, 'sipp', 'agent.xml'), 'utf8');
    const hangsUp = scenario.replace(/<recv request="BYE" timeout="\d+" ontimeout="sendbye"\/>/, `<recv request="BYE" timeout="${byeAfterMs}" ontimeout="sendbye"/>`);
    if (hangsUp === scenario) throw new Error("the live stack's agent.xml has no BYE timeout to shorten");
    const dir = await mkdtemp(join(tmpdir(), 'pacer-sipp-phone-'));
    const file = join(dir, 'agent-hangs-up.xml');
    await writeFile(file, hangsUp);
    const sipPort = await freePort();
    const rtpPort = await freePort();
    const child = spawn('sipp', ['-sf', file, '-i', '127.0.0.1', '-p', String(sipPort), '-mi', '127.0.0.1', '-mp', String(rtpPort), '-rtp_echo', '-aa', '-nostdin', '-trace_err', '-error_file', join(dir, 'errors.log')], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const phone = new SippPhone(`sip:agent-bye@127.0.0.1:${sipPort}`, child, dir);
    // SIPp binds at once; an early exit means it could not start.
    const early = await Promise.race([phone.#exited.then((code) => ({ code })), new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 500))]);
    if (early !== undefined) throw new Error(`sipp agent phone exited at start (code ${String(early.code)}): ${stderr}`);
    return phone;
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill('SIGTERM');
    await this.#exited;
    await rm(this.#dir, { recursive: true, force: true });
  }
}
