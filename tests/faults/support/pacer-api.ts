import { waitFor } from './free-port.ts';
import type { PacerProcess } from './pacer-process.ts';

/**
 * What the fault scenarios do through the HTTP API, as a user would: campaigns, CSV lead imports,
 * DNC lists and the start / pause / stop commands. Every call checks its status and throws with
 * the answer otherwise.
 */

function field(json: unknown, name: string): unknown {
  return typeof json === 'object' && json !== null ? (json as Record<string, unknown>)[name] : undefined;
}

function expectStatus(what: string, r: { status: number; json: unknown }, ...ok: number[]): void {
  if (!ok.includes(r.status)) throw new Error(`${what}: HTTP ${r.status} ${JSON.stringify(r.json)}`);
}

function stringField(what: string, json: unknown, name: string): string {
  const v = field(json, name);
  if (typeof v !== 'string') throw new Error(`${what}: no ${name} in ${JSON.stringify(json)}`);
  return v;
}

export interface FaultCampaignSettings {
  name: string;
  dncListIds?: string[];
  /** Short retry delays make a lead's second number come up within the test. */
  retryDelayMs?: number;
  /** A fixed ratio (lines per ready agent) instead of the predictive policy. */
  ratio?: number;
}

/** A predictive campaign (or fixed ratio) with 08:00-21:00 calling hours (the legal window), as a manager would create it. */
export async function createCampaign(pacer: PacerProcess, s: FaultCampaignSettings): Promise<string> {
  const retry = s.retryDelayMs === undefined ? {} : {
    retryRules: {
      noAnswer: { delayMs: s.retryDelayMs, maxAttempts: 3 },
      busy: { delayMs: s.retryDelayMs, maxAttempts: 3 },
      machine: { delayMs: s.retryDelayMs, maxAttempts: 3 },
      failed: { delayMs: s.retryDelayMs, maxAttempts: 3 },
    },
  };
  const r = await pacer.request('POST', '/v1/campaigns', {
    name: s.name,
    dialMode: 'predictive',
    callerId: '+12125550199',
    callingHours: { start: '08:00', end: '21:00' },
    abandonMessage: 'fault-identification.wav',
    wrapUpLimitMs: 30_000,
    ...retry,
    ...(s.ratio === undefined ? {} : { pacingPolicy: 'ratio', pacingRatio: s.ratio }),
    ...(s.dncListIds === undefined ? {} : { dncListIds: s.dncListIds }),
  });
  expectStatus(`create campaign ${s.name}`, r, 201);
  return stringField('create campaign', r.json, 'id');
}

export interface LeadRow {
  phone: string;
  phone2?: string;
}

/** Imports `rows` as a CSV (phone, phone2, first_name) and waits for the import to complete; throws when it accepted no row. */
export async function importLeads(pacer: PacerProcess, campaignId: string, rows: readonly LeadRow[]): Promise<{ accepted: number; rejected: number; duplicates: number }> {
  const csv = ['phone,phone2,first_name', ...rows.map((r, i) => `${r.phone},${r.phone2 ?? ''},Fault${i + 1}`)].join('\n');
  const started = await pacer.send('POST', `/v1/campaigns/${campaignId}/leads?name=faults`, `${csv}\n`, 'text/csv');
  expectStatus('import leads', started, 202);
  const importId = stringField('import leads', started.json, 'importId');
  const done = await waitFor(`import ${importId}`, async () => {
    const r = await pacer.request('GET', `/v1/imports/${importId}`);
    const status = field(r.json, 'status');
    if (status === 'failed') throw new Error(`import failed: ${JSON.stringify(r.json)}`);
    return status === 'completed' ? r.json : undefined;
  }, 120_000, 250);
  const counts = { accepted: Number(field(done, 'rowsAccepted')), rejected: Number(field(done, 'rowsRejected')), duplicates: Number(field(done, 'rowsDuplicate')) };
  // A scenario on a campaign without leads would fail later with a less telling CONFLICT at start.
  if (rows.length > 0 && !(counts.accepted > 0)) throw new Error(`import ${importId} into ${campaignId} accepted no row of ${rows.length}: ${JSON.stringify(done)}`);
  return counts;
}

export async function createDncList(pacer: PacerProcess, name: string, scope: 'global' | 'campaign'): Promise<string> {
  const r = await pacer.request('POST', '/v1/dnc-lists', { name, scope });
  expectStatus(`create DNC list ${name}`, r, 201);
  return stringField('create DNC list', r.json, 'id');
}

/** Adds numbers to a DNC list; resolves with the wall-clock moment the 200 came back. */
export async function addDncNumbers(pacer: PacerProcess, listId: string, numbers: readonly string[]): Promise<number> {
  const r = await pacer.request('POST', `/v1/dnc-lists/${listId}/numbers`, numbers);
  const ackMs = Date.now();
  expectStatus('add DNC numbers', r, 200);
  return ackMs;
}

/** start / pause / stop; resolves with the moment the 200 came back. */
export async function campaignCommand(pacer: PacerProcess, campaignId: string, command: 'start' | 'pause' | 'stop'): Promise<number> {
  const r = await pacer.request('POST', `/v1/campaigns/${campaignId}/${command}`);
  const ackMs = Date.now();
  expectStatus(`${command} campaign`, r, 200);
  return ackMs;
}

/** Prometheus counter/histogram sample `name{labels}` summed over the series matching every label given. */
export async function metricSum(pacer: PacerProcess, name: string, labels: Record<string, string>): Promise<number> {
  const { body } = await pacer.get('/metrics');
  let sum = 0;
  for (const line of body.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const close = line.indexOf('}');
    const labelText = line.slice(name.length + 1, close);
    if (!Object.entries(labels).every(([k, v]) => labelText.includes(`${k}="${v}"`))) continue;
    sum += Number(line.slice(close + 1).trim());
  }
  return sum;
}
