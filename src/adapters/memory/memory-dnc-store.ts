import type { DncListVersion, DncStore } from '../../runtime/ports/dnc-store.ts';
import type { MemoryRuntimeData } from './memory-runtime-data.ts';

/** The DNC lists in memory ({@link DncStore}'s contract). */
export class MemoryDncStore implements DncStore {
  readonly #data: MemoryRuntimeData;

  constructor(data: MemoryRuntimeData) {
    this.#data = data;
  }

  listsApplyingTo(campaignId: string): Promise<DncListVersion[]> {
    const attached = this.#data.attachedLists.get(campaignId) ?? new Set<string>();
    const lists = [...this.#data.dncLists.values()].filter((l) => !l.deleted && (l.scope === 'global' || attached.has(l.id)));
    lists.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return Promise.resolve(lists.map((l) => ({ id: l.id, version: String(l.version) })));
  }

  dncHits(numbers: readonly string[], listIds: readonly string[]): Promise<Map<string, string[]>> {
    const hits = new Map<string, string[]>();
    for (const n of new Set(numbers)) {
      for (const id of listIds) {
        if (this.#data.dncLists.get(id)?.entries.has(n) === true) hits.set(n, [...(hits.get(n) ?? []), id]);
      }
    }
    return Promise.resolve(hits);
  }
}
