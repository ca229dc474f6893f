import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/app/create-logger.ts';

function capture(): { lines: () => Record<string, unknown>[]; destination: Writable } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { destination, lines: () => chunks.join('').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('createLogger', () => {
  it('masks phone numbers and hides callee names and emails, at the top level and one level down', () => {
    const out = capture();
    const logger = createLogger({ level: 'info', destination: out.destination });
    logger.info({ phone: '+12125550123', lead: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', e164: '+442079460958' }, callId: 'c1' }, 'dialing');
    logger.child({ to: '+12125550123' }).warn('busy');
    const [first, second] = out.lines();
    expect(first).toMatchObject({ service: 'pacer', phone: '+1********23', callId: 'c1', lead: { firstName: '[redacted]', lastName: '[redacted]', email: '[redacted]', e164: '+4*********58' } });
    expect(JSON.stringify(first)).not.toContain('0123');
    expect(JSON.stringify(first)).not.toContain('Lovelace');
    expect(second).toMatchObject({ to: '+1********23', msg: 'busy' });
  });

  it('masks the digits of a SIP URI under `to` and keeps a non-number `to` readable', () => {
    const out = capture();
    const logger = createLogger({ level: 'info', destination: out.destination });
    logger.info({ to: 'sip:+12125550123@carrier.example' });
    logger.info({ from: 'ready', to: 'on_call' });
    const [uri, state] = out.lines();
    expect(uri).toMatchObject({ to: 'sip:+*********23@carrier.example' });
    expect(state).toMatchObject({ from: 'ready', to: 'on_call' });
  });

  it('keeps an already masked number as it is', () => {
    const out = capture();
    createLogger({ level: 'info', destination: out.destination }).info({ phone: '+1********23' });
    expect(out.lines()[0]).toMatchObject({ phone: '+1********23' });
  });
});

describe('createLogger: numbers inside text', () => {
  it('masks phone numbers in request URLs and in messages', () => {
    const out = capture();
    const logger = createLogger({ level: 'info', destination: out.destination });
    logger.info({ req: { method: 'DELETE', url: '/v1/dnc-lists/3f0c/numbers/+12125550123?x=1' } }, 'incoming request');
    logger.info({ url: '/v1/dnc/check?phone=%2B12125550123' });
    logger.warn('could not dial +12125550123: busy');
    logger.error({ err: new Error('phone +442079460958 is on a DNC list') }, 'failed');
    const text = JSON.stringify(out.lines());
    expect(text).not.toContain('5550123');
    expect(text).not.toContain('79460958');
    expect(text).toContain('/v1/dnc-lists/3f0c/numbers/');
    expect(text).toContain('could not dial');
  });
});
