import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PacerError, isPacerError } from '../../src/domain/pacer-error.ts';
import type { EventBus, EventHandlerFailure, EventMap } from '../../src/domain/ports/event-bus.ts';
import { Gate, RecordingLogger, flush, waitFor } from './wait-for.ts';

export interface EventBusHarness {
  bus: EventBus<EventMap>;
  /** Closes the bus (if the test did not) and removes what the harness created. */
  dispose(): Promise<void>;
}

export type EventBusHarnessFactory = (options: { logger: RecordingLogger }) => Promise<EventBusHarness>;

function expectPacerError(err: unknown, code: string, field?: string): void {
  expect(err).toBeInstanceOf(PacerError);
  if (!isPacerError(err)) return;
  expect(err.code).toBe(code);
  if (field !== undefined) expect(err.issues.map((i) => i.field)).toContain(field);
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

/**
 * The behaviour every `EventBus` adapter must show. Each test runs on its own random topics.
 * "Nothing more arrived" is checked deterministically: a sentinel published afterwards by the same
 * publisher is awaited first (events from one publisher arrive in order).
 */
export function describeEventBusContract(name: string, createHarness: EventBusHarnessFactory): void {
  describe(`EventBus contract: ${name}`, () => {
    let h: EventBusHarness;
    let logger: RecordingLogger;
    let topic: string;

    beforeEach(async () => {
      logger = new RecordingLogger();
      h = await createHarness({ logger });
      topic = `t-${randomUUID()}`;
    });

    afterEach(async () => {
      await h.dispose();
    });

    it('delivers every event to every subscriber, in publish order', async () => {
      const a: unknown[] = [];
      const b: unknown[] = [];
      await h.bus.subscribe(topic, (e) => {
        a.push(e);
      });
      await h.bus.subscribe(topic, async (e) => {
        b.push(e);
      });
      const sent = Array.from({ length: 50 }, (_, n) => ({ n }));
      for (const event of sent) await h.bus.publish(topic, event);
      await waitFor(() => a.length === 50 && b.length === 50, 'all events at both subscribers');
      expect(a).toEqual(sent);
      expect(b).toEqual(sent);
    });

    it('keeps order for events published without waiting', async () => {
      const got: unknown[] = [];
      await h.bus.subscribe(topic, (e) => {
        got.push(e);
      });
      const sent = Array.from({ length: 100 }, (_, n) => n);
      await Promise.all(sent.map((n) => h.bus.publish(topic, n)));
      await waitFor(() => got.length === 100, 'all events');
      expect(got).toEqual(sent);
    });

    it('round-trips events through JSON, giving each subscriber its own copy', async () => {
      const got: unknown[] = [];
      await h.bus.subscribe(topic, (e) => {
        (e as { list: unknown[] }).list.push('mutated by the first subscriber');
        got.push(e);
      });
      const second: unknown[] = [];
      await h.bus.subscribe(topic, (e) => {
        second.push(e);
      });
      const at = new Date('2026-11-23T12:00:00.000Z');
      const event = { at, name: 'Zoë ☎', count: 3, ratio: 0.25, none: null, list: [1, 'two', { three: true }], skipped: undefined };
      await h.bus.publish(topic, event);
      event.count = 99;
      await waitFor(() => got.length === 1 && second.length === 1, 'the event');
      const expected = { at: '2026-11-23T12:00:00.000Z', name: 'Zoë ☎', count: 3, ratio: 0.25, none: null, list: [1, 'two', { three: true }] };
      expect(second[0]).toEqual(expected);
      expect(second[0]).not.toHaveProperty('skipped');
      expect(got[0]).toEqual({ ...expected, list: [...expected.list, 'mutated by the first subscriber'] });
    });

    it('stops delivering to a subscription once unsubscribed; unsubscribe is idempotent', async () => {
      const gone: unknown[] = [];
      const stays: unknown[] = [];
      const unsubscribe = await h.bus.subscribe(topic, (e) => {
        gone.push(e);
      });
      await h.bus.subscribe(topic, (e) => {
        stays.push(e);
      });
      await h.bus.publish(topic, 1);
      await waitFor(() => gone.length === 1 && stays.length === 1, 'the first event');
      await unsubscribe();
      await unsubscribe();
      await h.bus.publish(topic, 2);
      await h.bus.publish(topic, 'sentinel');
      await waitFor(() => stays.includes('sentinel'), 'the sentinel');
      expect(stays).toEqual([1, 2, 'sentinel']);
      expect(gone).toEqual([1]);
    });

    it('delivers nothing after the last subscription of a topic is gone, and again after resubscribing', async () => {
      const first: unknown[] = [];
      const off = await h.bus.subscribe(topic, (e) => {
        first.push(e);
      });
      await off();
      await h.bus.publish(topic, 'unheard');
      const again: unknown[] = [];
      await h.bus.subscribe(topic, (e) => {
        again.push(e);
      });
      await h.bus.publish(topic, 'heard');
      await waitFor(() => again.length > 0, 'the event after resubscribing');
      await flush();
      expect(again).toEqual(['heard']);
      expect(first).toEqual([]);
    });

    it('keeps topics apart', async () => {
      const other = `${topic}-other`;
      const got: unknown[] = [];
      await h.bus.subscribe(topic, (e) => {
        got.push(e);
      });
      await h.bus.publish(other, 'not for you');
      await h.bus.publish(topic, 'sentinel');
      await waitFor(() => got.length > 0, 'the sentinel');
      expect(got).toEqual(['sentinel']);
    });

    it('runs one subscription’s handler one event at a time', async () => {
      const gate = new Gate();
      const slow: unknown[] = [];
      const witness: unknown[] = [];
      await h.bus.subscribe(topic, async (e) => {
        slow.push(`start ${String(e)}`);
        if (e === 1) await gate.promise;
        slow.push(`end ${String(e)}`);
      });
      await h.bus.subscribe(topic, (e) => {
        witness.push(e);
      });
      await h.bus.publish(topic, 1);
      await h.bus.publish(topic, 2);
      await waitFor(() => witness.length === 2, 'both events at the other subscriber');
      await flush();
      expect(slow).toEqual(['start 1']);
      gate.open();
      await waitFor(() => slow.length === 4, 'the slow subscriber to catch up');
      expect(slow).toEqual(['start 1', 'end 1', 'start 2', 'end 2']);
    });

    it('reports a failing handler with its error as cause and keeps delivering', async () => {
      const failures: EventHandlerFailure[] = [];
      h.bus.onHandlerError((f) => failures.push(f));
      const boom = new Error('handler broke');
      const got: unknown[] = [];
      await h.bus.subscribe(topic, (e) => {
        if (e === 'bad') throw boom;
        got.push(e);
      });
      await h.bus.publish(topic, 'bad');
      await h.bus.publish(topic, 'good');
      await waitFor(() => got.length === 1 && failures.length === 1, 'the failure and the next event');
      expect(got).toEqual(['good']);
      expect(failures[0]?.topic).toBe(topic);
      expect(failures[0]?.error).toBeInstanceOf(PacerError);
      expect(failures[0]?.error.cause).toBe(boom);
    });

    it('logs a handler failure nobody listens for', async () => {
      const boom = new Error('unheard');
      await h.bus.subscribe(topic, async () => {
        throw boom;
      });
      await h.bus.publish(topic, {});
      const entry = await waitFor(() => logger.entries.find((e) => e.level === 'error'), 'the log entry');
      expect((entry.obj.err as PacerError).cause).toBe(boom);
    });

    it('rejects a bad topic or a non-JSON event with VALIDATION_FAILED naming the field', async () => {
      expectPacerError(await rejectionOf(h.bus.publish('', {})), 'VALIDATION_FAILED', 'topic');
      expectPacerError(await rejectionOf(h.bus.publish(topic, undefined)), 'VALIDATION_FAILED', 'event');
      expectPacerError(await rejectionOf(h.bus.publish(topic, { n: 1n })), 'VALIDATION_FAILED', 'event');
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      expectPacerError(await rejectionOf(h.bus.publish(topic, cyclic)), 'VALIDATION_FAILED', 'event');
      expectPacerError(await rejectionOf(h.bus.subscribe('', () => undefined)), 'VALIDATION_FAILED', 'topic');
    });

    it('answers ping while open; close is idempotent and then publish and subscribe reject with QUEUE_CLOSED', async () => {
      const got: unknown[] = [];
      await h.bus.subscribe(topic, (e) => {
        got.push(e);
      });
      expect(await h.bus.ping()).toBe(true);
      await Promise.all([h.bus.close(), h.bus.close()]);
      await h.bus.close();
      expectPacerError(await rejectionOf(h.bus.publish(topic, 1)), 'QUEUE_CLOSED');
      expectPacerError(await rejectionOf(h.bus.subscribe(topic, () => undefined)), 'QUEUE_CLOSED');
      expect(got).toEqual([]);
    });
  });
}
