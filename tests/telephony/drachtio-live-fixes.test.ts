import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { PacerError, isPacerError } from '../../src/domain/pacer-error.ts';
import { registerErrorHandler } from '../../src/adapters/http/plugins/error-handler.ts';
import type { OriginateRequest } from '../../src/domain/ports/telephony-port.ts';
import { nameAddr } from '../../src/adapters/telephony/drachtio/drachtio-adapter-options.ts';
import { singleAudioOffer } from '../../src/adapters/telephony/drachtio/sdp-offer.ts';
import { CallRecorder, uniqueNumber } from '../contract/telephony-port.contract.ts';
import { header } from './support/sip-text.ts';
import { startDrachtioRig, waitUntil, type DrachtioRig } from './support/drachtio-test-rig.ts';

/**
 * Defects found on the real stack (issue 12), reproduced against the drachtio-server double:
 * the SRTP alternative in the forwarded offer, `;transport=` becoming a To-header parameter, and
 * a `close()` that never resolved while FreeSWITCH did not hang an endpoint up.
 */

/** What FreeSWITCH offered on a 3pcc endpoint without `rtp_secure_media=forbidden` (shortened). */
const SRTP_AND_RTP_OFFER = [
  'v=0',
  'o=FreeSWITCH 1700000000 1700000001 IN IP4 127.0.0.1',
  's=FreeSWITCH',
  'c=IN IP4 127.0.0.1',
  't=0 0',
  'm=audio 16398 RTP/SAVP 0 101',
  'a=rtpmap:0 PCMU/8000',
  'a=crypto:1 AEAD_AES_256_GCM_8 inline:AAAA',
  'a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:BBBB',
  'm=audio 16398 RTP/AVP 0 101',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=sendrecv',
  '',
].join('\r\n');

let rig: DrachtioRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

let seq = 0;
function request(to: string): OriginateRequest {
  seq += 1;
  return { callId: `fix-${Date.now().toString(36)}-${seq}`, to, callerId: '+12125550199', ringTimeoutMs: 20_000, amd: { enabled: false } };
}

describe('the offer Pacer forwards', () => {
  it('keeps the session part and the one plain RTP/AVP audio m-line, without crypto lines', () => {
    const offer = singleAudioOffer(SRTP_AND_RTP_OFFER) ?? '';
    expect(offer.match(/^m=/gm)).toEqual(['m=']);
    expect(offer).toContain('m=audio 16398 RTP/AVP 0 101\r\n');
    expect(offer).not.toContain('a=crypto');
    expect(offer).not.toContain('SAVP');
    expect(offer.startsWith('v=0\r\no=FreeSWITCH')).toBe(true);
    expect(offer.endsWith('a=sendrecv\r\n')).toBe(true);
  });

  it('has nothing to offer when the only audio stream is SRTP', () => {
    expect(singleAudioOffer('v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 1 RTP/SAVP 0\r\na=crypto:1 X inline:Y\r\n')).toBeUndefined();
  });

  it('sends one audio m-line to the carrier although FreeSWITCH offered SRTP beside RTP', async () => {
    rig = await startDrachtioRig();
    const media = rig.media[0];
    if (!media) throw new Error('no media server');
    media.offerSdp = SRTP_AND_RTP_OFFER;
    const to = uniqueNumber();
    rig.double.script(to, { kind: 'answer', afterMs: 1000, earlyMedia: 'none' });
    const rec = new CallRecorder();
    expect(await rig.telephony.originate(request(to), rec.onEvent)).toEqual({ ok: true });
    await rec.waitFor('ringing');
    const body = rig.double.lastCall(to).invite?.body ?? '';
    expect(body.match(/^m=.*$/gm)).toEqual(['m=audio 16398 RTP/AVP 0 101']);
    expect(body).not.toContain('a=crypto');
  });
});

describe('the trunk URI', () => {
  it('keeps ;transport=udp a URI parameter of the To header (name-addr)', async () => {
    expect(nameAddr('sip:+1@h:5080;transport=udp')).toBe('<sip:+1@h:5080;transport=udp>');
    rig = await startDrachtioRig({ trunkUri: 'sip:{to}@carrier.example.com:5060;transport=udp' });
    const to = uniqueNumber();
    rig.double.script(to, { kind: 'answer', afterMs: 1000, earlyMedia: 'none' });
    const rec = new CallRecorder();
    expect(await rig.telephony.originate(request(to), rec.onEvent)).toEqual({ ok: true });
    await rec.waitFor('ringing');
    const invite = rig.double.lastCall(to).invite;
    expect(invite?.startLine).toBe(`INVITE sip:${to}@carrier.example.com:5060;transport=udp SIP/2.0`);
    expect(invite && header(invite, 'To')).toBe(`<sip:${to}@carrier.example.com:5060;transport=udp>`);
  });
});

describe('close()', () => {
  it('resolves after closeTimeoutMs when an endpoint is never hung up, and logs what was pending', async () => {
    rig = await startDrachtioRig({ closeTimeoutMs: 3000 });
    const r = rig;
    const to = uniqueNumber();
    r.double.script(to, { kind: 'answer', afterMs: 1000, earlyMedia: 'none' });
    const rec = new CallRecorder();
    expect(await r.telephony.originate(request(to), rec.onEvent)).toEqual({ ok: true });
    await rec.waitFor('ringing');
    await r.timers.advance(1000);
    await rec.waitFor('answered');
    const endpoint = r.media[0]?.endpoints[0];
    if (!endpoint) throw new Error('no endpoint');
    endpoint.hangsOnDestroy = true;
    let closed = false;
    const closing = r.telephony.close().then(() => (closed = true));
    await waitUntil(() => r.double.lastCall(to).trace.includes('>BYE'), 'the BYE');
    await r.timers.advance(2999);
    expect(closed).toBe(false);
    await r.timers.advance(1);
    await closing;
    expect(closed).toBe(true);
    expect(r.logger.entries.some((e) => e.level === 'error' && e.msg.includes('not torn down in time'))).toBe(true);
  });
});

describe('a failed agent login', () => {
  it('names the media server, not the contact, when FreeSWITCH refuses the endpoint', async () => {
    rig = await startDrachtioRig();
    const media = rig.media[0];
    if (!media) throw new Error('no media server');
    media.failNextCreate = true;
    const err: unknown = await rig.telephony.agentLogin({ agentId: 'agent-9', contact: 'sip:agent-9@192.0.2.49:5062' }).catch((e: unknown) => e);
    expect(isPacerError(err, 'TELEPHONY_UNAVAILABLE')).toBe(true);
    const message = err instanceof Error ? err.message : '';
    expect(message).toContain('media server fs1 refused an endpoint for agent agent-9');
    expect(message).not.toContain('contact');
    expect(rig.logger.entries.some((e) => e.level === 'error' && e.msg.includes('refused an endpoint'))).toBe(true);
    rig.double.script('agent-8', { kind: 'reject', status: 480, reason: 'Temporarily Unavailable' });
    const refused: unknown = await rig.telephony.agentLogin({ agentId: 'agent-8', contact: 'sip:agent-8@192.0.2.48' }).catch((e: unknown) => e);
    expect(refused instanceof Error ? refused.message : '').toBe("agent agent-8's contact could not be connected (SIP 480)");
  });
});

describe('HTTP error handler', () => {
  it('answers TELEPHONY_UNAVAILABLE with 503 and the cause, not 500 INTERNAL', async () => {
    const app = Fastify({ logger: false });
    registerErrorHandler(app);
    app.get('/login', () => {
      throw new PacerError('TELEPHONY_UNAVAILABLE', 'media server fs1 refused an endpoint for agent a-1', { cause: new Error('480 Temporarily Unavailable') });
    });
    const res = await app.inject({ method: 'GET', url: '/login' });
    await app.close();
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ error: { code: 'TELEPHONY_UNAVAILABLE', message: 'media server fs1 refused an endpoint for agent a-1: 480 Temporarily Unavailable' } });
  });
});
