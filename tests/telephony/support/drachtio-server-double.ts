import net from 'node:net';
import { randomUUID } from 'node:crypto';
import type { TimerScheduler } from '../../../src/adapters/telephony/drachtio/telephony-deps.ts';
import { audioSdp, header, methodOf, parseSip, requestUser, setHeader, writeSip, type SipText } from './sip-text.ts';

/**
 * How a scripted callee (keyed by the request-URI user: a phone number or an agent id) answers
 * an INVITE. Delays run on the shared test timers.
 */
export type SipCalleeScript =
  | { kind: 'answer'; afterMs: number; earlyMedia?: 'none' | 'same-sdp' | 'other-sdp'; hangupAfterMs?: number }
  | { kind: 'reject'; status: number; reason: string; afterMs?: number }
  /** Rings until CANCELled, then 487. */
  | { kind: 'no-answer' }
  /** Rings; its 200 OK crosses the caller's CANCEL on the wire. */
  | { kind: 'answer-on-cancel' };

/** What the double saw and did for one INVITE, in wire order (e.g. `>INVITE`, `<100`, `<180`, `>CANCEL`, `<487`, `>ACK`). */
export interface DoubleCall {
  user: string;
  callId: string;
  from: string;
  inviteTxnId: string;
  dialogId: string;
  answerSdp: string;
  trace: string[];
  /** The app's responses to requests the callee sent (BYE, re-INVITE). */
  appResponses: SipText[];
  state: 'ringing' | 'confirmed' | 'ended';
  /** The INVITE as the double completed and echoed it. */
  invite?: SipText;
}

const CRLF = '\r\n';

/**
 * A scripted drachtio-server: speaks drachtio's wire protocol (`<byteLength>#<msgId>|<type>|...`)
 * to the real drachtio-srf library on one TCP port: `authenticate`, `route`, `ping`, `sip`
 * (requests the app sends, echoed back with the server-assigned transaction and dialog ids) and
 * `response` messages, and plays the far end of the SIP transactions from per-callee scripts.
 */
export class DrachtioServerDouble {
  readonly #server: net.Server;
  readonly #secret: string;
  readonly #timers: TimerScheduler;
  readonly #sockets = new Set<net.Socket>();
  readonly #scripts = new Map<string, SipCalleeScript>();
  readonly #byTxn = new Map<string, DoubleCall>();
  readonly #byDialog = new Map<string, DoubleCall>();
  readonly calls: DoubleCall[] = [];
  #authenticated = 0;
  #socket: net.Socket | undefined;

  private constructor(secret: string, timers: TimerScheduler) {
    this.#secret = secret;
    this.#timers = timers;
    this.#server = net.createServer((socket) => this.#accept(socket));
  }

  static async start(opts: { secret: string; timers: TimerScheduler }): Promise<DrachtioServerDouble> {
    const double = new DrachtioServerDouble(opts.secret, opts.timers);
    await new Promise<void>((resolve) => double.#server.listen(0, '127.0.0.1', resolve));
    return double;
  }

  get port(): number {
    const address = this.#server.address();
    if (address === null || typeof address === 'string') throw new Error('double is not listening');
    return address.port;
  }

  /** Successful `authenticate` exchanges so far (reconnects count). */
  get authentications(): number {
    return this.#authenticated;
  }

  script(user: string, script: SipCalleeScript): void {
    this.#scripts.set(user, script);
  }

  lastCall(user: string): DoubleCall {
    const call = this.calls.filter((c) => c.user === user).at(-1);
    if (!call) throw new Error(`no INVITE reached ${user}`);
    return call;
  }

  /** The callee hangs up. */
  sendBye(user: string): void {
    const call = this.lastCall(user);
    this.#sendInDialogRequest(call, 'BYE', '');
    call.state = 'ended';
  }

  /** The callee re-INVITEs with a new SDP (e.g. after a media change on its side). */
  sendReinvite(user: string, sdp: string): void {
    this.#sendInDialogRequest(this.lastCall(user), 'INVITE', sdp);
  }

  /** Drops the connection to the app, as a drachtio-server restart would. */
  dropConnections(): void {
    for (const socket of this.#sockets) socket.destroy();
  }

  async close(): Promise<void> {
    this.dropConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(socket: net.Socket): void {
    this.#sockets.add(socket);
    this.#socket = socket;
    socket.on('close', () => this.#sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const hash = buffer.indexOf('#');
        if (hash <= 0) return;
        const length = Number(buffer.toString('utf8', 0, hash));
        if (buffer.length < hash + 1 + length) return;
        const payload = buffer.toString('utf8', hash + 1, hash + 1 + length);
        buffer = buffer.subarray(hash + 1 + length);
        this.#onMessage(socket, payload);
      }
    });
  }

  #write(socket: net.Socket, payload: string): void {
    const framed = `${randomUUID()}|${payload}`;
    socket.write(`${Buffer.byteLength(framed, 'utf8')}#${framed}`);
  }

  #onMessage(socket: net.Socket, payload: string): void {
    const eol = payload.indexOf(CRLF);
    const leader = (eol === -1 ? payload : payload.slice(0, eol)).split('|');
    const [msgId = '', type = ''] = leader;
    switch (type) {
      case 'authenticate':
        if (leader[2] === this.#secret) {
          this.#authenticated += 1;
          this.#write(socket, `response|${msgId}|OK|127.0.0.1:5060|v0.9.5-double|udp/127.0.0.1:5060`);
        } else {
          this.#write(socket, `response|${msgId}|NOK|incorrect secret`);
        }
        return;
      case 'ping':
        this.#write(socket, `response|${msgId}|OK`);
        return;
      case 'route':
        this.#write(socket, `response|${msgId}|OK`);
        return;
      case 'sip':
        this.#onAppSip(socket, msgId, leader[2] ?? '', leader[3] ?? '', parseSip(payload.slice(eol + 2)));
        return;
      default:
        throw new Error(`drachtio double: unexpected message type '${type}'`);
    }
  }

  /** A SIP message from the app: a new request, an in-transaction CANCEL, an in-dialog request, or a response. */
  #onAppSip(socket: net.Socket, msgId: string, stackTxnId: string, stackDialogId: string, msg: SipText): void {
    const method = methodOf(msg);
    if (method === undefined) {
      const call = this.#byTxn.get(stackTxnId);
      call?.appResponses.push(msg);
      call?.trace.push(`>${msg.startLine.split(' ')[1] ?? ''}`);
      this.#echo(socket, msgId, msg, stackTxnId, stackDialogId);
      return;
    }
    if (method === 'INVITE' && stackDialogId === '') return this.#onInvite(socket, msgId, msg);
    if (method === 'CANCEL') {
      const call = this.#byTxn.get(stackTxnId);
      this.#echo(socket, msgId, msg, randomUUID(), '');
      if (call) this.#onCancel(call);
      return;
    }
    const call = this.#byDialog.get(stackDialogId);
    const txnId = randomUUID();
    call?.trace.push(`>${method}`);
    this.#echo(socket, msgId, msg, txnId, stackDialogId);
    if (method === 'ACK' || !call) return;
    if (method === 'BYE') call.state = 'ended';
    const response = this.#response(msg, 200, 'OK', method === 'INVITE' ? call.answerSdp : '');
    this.#sendNetwork(response, txnId, stackDialogId);
    call.trace.push('<200');
  }

  #onInvite(socket: net.Socket, msgId: string, msg: SipText): void {
    const user = requestUser(msg);
    const callId = `${randomUUID()}@127.0.0.1`;
    const txnId = randomUUID();
    // drachtio-server completes the request: Via, From tag, To, Call-ID, CSeq, Contact.
    setHeader(msg, 'Via', `SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK${txnId.slice(0, 8)};rport`);
    const from = (header(msg, 'From') ?? 'sip:pacer@localhost').replace('@localhost', '@127.0.0.1:5060');
    setHeader(msg, 'From', `<${from.replace(/^<|>$/g, '')}>;tag=${randomUUID().slice(0, 8)}`);
    setHeader(msg, 'To', `<${msg.startLine.split(' ')[1] ?? ''}>`);
    setHeader(msg, 'Call-ID', callId);
    setHeader(msg, 'CSeq', '1 INVITE');
    setHeader(msg, 'Max-Forwards', '70');
    setHeader(msg, 'Contact', '<sip:127.0.0.1:5060>');
    const call: DoubleCall = {
      user,
      callId,
      from: header(msg, 'From') ?? '',
      inviteTxnId: txnId,
      dialogId: `${callId};uac`,
      answerSdp: audioSdp(`callee-${user}`, 30_000 + this.calls.length * 2),
      trace: ['>INVITE'],
      appResponses: [],
      state: 'ringing',
    };
    this.calls.push(call);
    this.#byTxn.set(txnId, call);
    this.#byDialog.set(call.dialogId, call);
    call.invite = msg;
    this.#echo(socket, msgId, msg, txnId, '');
    this.#play(call);
  }

  #play(call: DoubleCall): void {
    const script = this.#scripts.get(call.user) ?? { kind: 'reject', status: 404, reason: 'Not Found' };
    this.#respond(call, 100, 'Trying');
    if (script.kind === 'reject') {
      const fire = (): void => this.#final(call, script.status, script.reason);
      if (script.afterMs) this.#timers.setTimeout(fire, script.afterMs);
      else fire();
      return;
    }
    if (script.kind === 'answer' && script.earlyMedia && script.earlyMedia !== 'none') {
      const earlySdp = script.earlyMedia === 'same-sdp' ? call.answerSdp : audioSdp(`callee-${call.user}-early`, 40_000);
      this.#respond(call, 183, 'Session Progress', earlySdp);
    } else {
      this.#respond(call, 180, 'Ringing');
    }
    if (script.kind === 'answer') {
      const answer = (): void => {
        if (call.state !== 'ringing') return;
        this.#final(call, 200, 'OK', call.answerSdp);
        if (script.hangupAfterMs !== undefined) {
          this.#timers.setTimeout(() => {
            if (call.state === 'confirmed') this.sendBye(call.user);
          }, script.hangupAfterMs);
        }
      };
      if (script.afterMs > 0) this.#timers.setTimeout(answer, script.afterMs);
      else answer();
    }
  }

  #onCancel(call: DoubleCall): void {
    call.trace.push('>CANCEL');
    if (call.state !== 'ringing') return;
    const script = this.#scripts.get(call.user);
    if (script?.kind === 'answer-on-cancel') this.#final(call, 200, 'OK', call.answerSdp);
    else this.#final(call, 487, 'Request Terminated');
  }

  #final(call: DoubleCall, status: number, reason: string, sdp = ''): void {
    if (call.state !== 'ringing') return;
    call.state = status === 200 ? 'confirmed' : 'ended';
    this.#respond(call, status, reason, sdp);
  }

  #respond(call: DoubleCall, status: number, reason: string, sdp = ''): void {
    const invite = call.invite;
    if (!invite) return;
    const response = this.#response(invite, status, reason, sdp);
    if (status > 100) setHeader(response, 'To', `${header(invite, 'To') ?? ''};tag=callee-${call.user}`);
    this.#sendNetwork(response, call.inviteTxnId, status > 100 ? call.dialogId : '');
    call.trace.push(`<${status}`);
  }

  #response(request: SipText, status: number, reason: string, sdp: string): SipText {
    const headers: [string, string][] = ['Via', 'From', 'To', 'Call-ID', 'CSeq'].map((n) => [n, header(request, n) ?? ''] as [string, string]);
    headers.push(['Contact', '<sip:callee@192.0.2.10:5060>']);
    if (sdp !== '') headers.push(['Content-Type', 'application/sdp']);
    return { startLine: `SIP/2.0 ${status} ${reason}`, headers, body: sdp };
  }

  #sendInDialogRequest(call: DoubleCall, method: 'BYE' | 'INVITE', sdp: string): void {
    const invite = call.invite;
    if (!invite) throw new Error('no INVITE to build the in-dialog request from');
    const txnId = randomUUID();
    const request: SipText = {
      startLine: `${method} ${(header(invite, 'Contact') ?? '<sip:127.0.0.1:5060>').replace(/^<|>$/g, '')} SIP/2.0`,
      headers: [
        ['Via', `SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK${txnId.slice(0, 8)}`],
        ['From', `${header(invite, 'To') ?? ''};tag=callee-${call.user}`],
        ['To', header(invite, 'From') ?? ''],
        ['Call-ID', call.callId],
        ['CSeq', `${method === 'BYE' ? 3 : 2} ${method}`],
        ['Contact', '<sip:callee@192.0.2.10:5060>'],
        ...(sdp === '' ? [] : [['Content-Type', 'application/sdp'] as [string, string]]),
      ],
      body: sdp,
    };
    this.#byTxn.set(txnId, call);
    call.trace.push(`<${method}`);
    this.#sendNetwork(request, txnId, call.dialogId);
  }

  /** A message from the network to the app: `sip|network|<len>|udp|<addr>|<port>|<time>|<txnId>|<dialogId>`. */
  #sendNetwork(msg: SipText, txnId: string, dialogId: string): void {
    const socket = this.#socket;
    if (!socket || socket.destroyed) return;
    const raw = writeSip(msg);
    this.#write(socket, `sip|network|${Buffer.byteLength(raw)}|udp|192.0.2.10|5060|${Date.now()}|${txnId}|${dialogId}${CRLF}${raw}`);
  }

  /** Confirms a message the app sent, echoing it as the server sent it on the wire. */
  #echo(socket: net.Socket, msgId: string, msg: SipText, txnId: string, dialogId: string): void {
    const raw = writeSip(msg);
    this.#write(socket, `response|${msgId}|OK|application|${Buffer.byteLength(raw)}|udp|127.0.0.1|5060|${Date.now()}|${txnId}|${dialogId}${CRLF}${raw}`);
  }
}
