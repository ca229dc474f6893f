/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ: 100 on Linux). */
const TICKS_PER_SEC = 100;

/**
 * User + system CPU seconds in the text of a `/proc/<pid>/stat` or `/proc/<pid>/task/<tid>/stat`
 * file (fields 14 and 15; counted after the command name, which may itself hold spaces or `)`).
 *
 * @example
 * ```ts
 * cpuSecFromStat(readFileSync(`/proc/${pid}/stat`, 'utf8')); // 12.34
 * ```
 */
export function cpuSecFromStat(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SEC;
}
