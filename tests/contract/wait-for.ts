/**
 * Polls `check` until it returns a truthy value (or resolves to one), then returns it. Fails after
 * `timeoutMs` with `message`: a bounded wait, never a fixed sleep.
 */
export async function waitFor<T>(check: () => T | Promise<T>, message = 'condition', timeoutMs = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${message}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A promise you resolve from outside: holds a handler until the test lets it go. */
export class Gate {
  readonly promise: Promise<void>;
  open: () => void = () => undefined;

  constructor() {
    this.promise = new Promise<void>((resolve) => {
      this.open = resolve;
    });
  }
}

/** Lets queued promise callbacks and I/O callbacks run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

export interface LogEntry {
  level: 'warn' | 'error';
  obj: Record<string, unknown>;
  msg: string;
}

/** A `QueueLogger` that keeps what it is told. */
export class RecordingLogger {
  readonly entries: LogEntry[] = [];

  warn(obj: Record<string, unknown>, msg: string): void {
    this.entries.push({ level: 'warn', obj, msg });
  }

  error(obj: Record<string, unknown>, msg: string): void {
    this.entries.push({ level: 'error', obj, msg });
  }
}
