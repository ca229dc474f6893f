import type { TelephonyLogger } from '../../../src/adapters/telephony/drachtio/telephony-deps.ts';

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  bindings: Record<string, unknown>;
  obj: Record<string, unknown>;
  msg: string;
}

/** A pino-shaped logger that keeps every entry (with its child bindings) for assertions. */
export function recordingLogger(entries: LogEntry[] = [], bindings: Record<string, unknown> = {}): TelephonyLogger & { entries: LogEntry[] } {
  const at = (level: LogEntry['level']) => (obj: Record<string, unknown>, msg: string): void => {
    entries.push({ level, bindings, obj, msg });
  };
  return {
    entries,
    child: (more) => recordingLogger(entries, { ...bindings, ...more }),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  };
}
