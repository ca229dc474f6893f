import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One SIP message as a SIPp user agent logged it (`-trace_msg`). */
export interface TracedMessage {
  /** When SIPp sent or received it (epoch ms, this machine's clock). */
  atMs: number;
  direction: 'sent' | 'received';
  /** The request method (`INVITE`, `CANCEL`, ...) or the response status (`487`). */
  kind: string;
  requestUri: string | undefined;
  callId: string;
}

const ENTRY = /^-{20,} (\d{4}-\d{2}-\d{2})\s+(\d{2}:\d{2}:\d{2})(?:\.(\d+))?\s*$/;

/**
 * Parses a SIPp message trace (`<name>.messages.log` in the live stack's run folder): every
 * entry starts with a dashed line carrying the local date and time to the microsecond, then
 * `UDP message sent|received`, then the message. What went over the wire, measured by the far end.
 */
export function parseSippTrace(text: string): TracedMessage[] {
  const out: TracedMessage[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const head = ENTRY.exec(lines[i] ?? '');
    if (!head) continue;
    const [, date, time, frac] = head;
    const atMs = new Date(`${date ?? ''}T${time ?? ''}`).getTime() + Number(`0.${frac ?? '0'}`) * 1000;
    let j = i + 1;
    while (j < lines.length && (lines[j] ?? '').trim() === '') j++;
    const how = lines[j] ?? '';
    const direction = /sent/i.test(how) ? 'sent' : 'received';
    j++;
    while (j < lines.length && (lines[j] ?? '').trim() === '') j++;
    const start = (lines[j] ?? '').trim();
    const response = /^SIP\/2\.0 (\d{3})/.exec(start);
    const request = /^([A-Z]+) (\S+) SIP\/2\.0/.exec(start);
    let callId = '';
    for (let k = j + 1; k < lines.length && (lines[k] ?? '').trim() !== '' && !ENTRY.test(lines[k] ?? ''); k++) {
      const m = /^(?:Call-ID|i):\s*(.+)$/i.exec((lines[k] ?? '').trim());
      if (m) callId = (m[1] ?? '').trim();
    }
    if (response) out.push({ atMs, direction, kind: response[1] ?? '', requestUri: undefined, callId });
    else if (request) out.push({ atMs, direction, kind: request[1] ?? '', requestUri: request[2], callId });
  }
  return out;
}

/** The carrier's trace in the live stack's run folder. */
export async function carrierTrace(liveDir: string): Promise<TracedMessage[]> {
  return parseSippTrace(await readFile(join(liveDir, 'sipp', 'carrier.messages.log'), 'utf8'));
}

/** The messages of the one dialog whose INVITE went to a user part containing `user`. */
export function dialogTo(trace: readonly TracedMessage[], user: string): TracedMessage[] {
  const invite = trace.filter((m) => m.kind === 'INVITE' && m.direction === 'received' && (m.requestUri ?? '').includes(user));
  if (invite.length === 0) return [];
  const callId = invite[0]?.callId ?? '';
  return trace.filter((m) => m.callId === callId);
}
