import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, json, seedLeads, unique, type TestApp } from './support/test-app.ts';

interface ErrorBody {
  error: { code: string; issues?: { field: string; reason: string }[] };
}

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const base = (): Record<string, unknown> => ({ name: unique('uk'), dialMode: 'predictive', callerId: '+442071838750', abandonWindow: '24h' });
const fields = (res: { body: string }): string[] => (json<ErrorBody>(res as never).error.issues ?? []).map((i) => i.field);

describe('campaign AMD false-positive estimate and abandon target (issue 13)', () => {
  it('defaults to no estimate (configured) and no target, shown in GET', async () => {
    const res = await t.call('POST', '/v1/campaigns', { json: base() });
    expect(res.statusCode, res.body).toBe(201);
    const c = json<{ id: string }>(res);
    expect(json(await t.call('GET', `/v1/campaigns/${c.id}`))).toMatchObject({ amdFalsePositiveRate: 0, amdFalsePositiveSource: 'configured', abandonTarget: null });
  });

  it('stores the estimate with its evidence and a target below the cap', async () => {
    const res = await t.call('POST', '/v1/campaigns', { json: { ...base(), amdFalsePositiveRate: 0.012, amdFalsePositiveSource: 'measured', abandonTarget: 0.02 } });
    expect(res.statusCode, res.body).toBe(201);
    const c = json<{ id: string }>(res);
    expect(json(await t.call('GET', `/v1/campaigns/${c.id}`))).toMatchObject({ amdFalsePositiveRate: 0.012, amdFalsePositiveSource: 'measured', abandonTarget: 0.02 });
  });

  it('answers 400 naming the field for a bad rate, source or target', async () => {
    for (const [body, field] of [
      [{ amdFalsePositiveRate: 1 }, 'amdFalsePositiveRate'],
      [{ amdFalsePositiveRate: -0.1 }, 'amdFalsePositiveRate'],
      [{ amdFalsePositiveSource: 'guessed' }, 'amdFalsePositiveSource'],
      [{ abandonTarget: -0.01 }, 'abandonTarget'],
      [{ abandonTarget: 0.04 }, 'abandonTarget'],
      [{ maxAbandonRate: 0.01, abandonTarget: 0.02 }, 'abandonTarget'],
    ] as const) {
      const res = await t.call('POST', '/v1/campaigns', { json: { ...base(), ...body } });
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(fields(res), JSON.stringify(body)).toContain(field);
    }
  });

  it('can be changed on a running campaign (applied from the next tick), and the target re-checked against the cap', async () => {
    const c = json<{ id: string }>(await t.call('POST', '/v1/campaigns', { json: base() }));
    await seedLeads(t, c.id, 2);
    expect(json(await t.call('POST', `/v1/campaigns/${c.id}/start`))).toMatchObject({ status: 'running' });
    const patched = await t.call('PATCH', `/v1/campaigns/${c.id}`, { json: { amdFalsePositiveRate: 0.015, abandonTarget: 0.025 } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(json(patched)).toMatchObject({ status: 'running', amdFalsePositiveRate: 0.015, amdFalsePositiveSource: 'configured', abandonTarget: 0.025 });
    const lowered = await t.call('PATCH', `/v1/campaigns/${c.id}`, { json: { maxAbandonRate: 0.02 } });
    expect(lowered.statusCode).toBe(400);
    expect(fields(lowered)).toEqual(['abandonTarget']);
    const cleared = await t.call('PATCH', `/v1/campaigns/${c.id}`, { json: { abandonTarget: null } });
    expect(json(cleared)).toMatchObject({ abandonTarget: null });
  });
});
