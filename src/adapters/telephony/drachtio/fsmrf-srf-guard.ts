import type { SrfClient } from './srf-client.ts';

interface DestroyableDialog {
  destroy: (...args: unknown[]) => unknown;
}

function isThenable(value: unknown): value is Promise<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function guardDialog(dialog: unknown): unknown {
  if (typeof dialog !== 'object' || dialog === null || typeof (dialog as Partial<DestroyableDialog>).destroy !== 'function') return dialog;
  const d = dialog as DestroyableDialog;
  const destroy = d.destroy.bind(d);
  d.destroy = (...args: unknown[]): unknown => {
    const result = destroy(...args);
    // Observed, not swallowed: an awaiting caller still gets the rejection.
    if (isThenable(result)) result.catch(() => undefined);
    return result;
  };
  return dialog;
}

/**
 * The srf drachtio-fsmrf is given: the same client, except that the dialogs its `createUAC`
 * creates (fsmrf's 3pcc INVITEs to FreeSWITCH) have a `destroy()` whose rejection is observed.
 * drachtio-fsmrf 4.1 calls `dialog.destroy()` without handling its promise when FreeSWITCH's
 * outbound ESL connection does not arrive within 4 s (`MediaServer#createEndpoint`, `timeoutFn`);
 * under overload that BYE fails (`ENODIALOG`: FreeSWITCH already hung up; `ESOCKETDESTROYED`: srf
 * disconnected) and the unhandled rejection ended the whole process (seen in `npm run bench:live`).
 *
 * @example
 * ```ts
 * const mrf = new Mrf(guardSrfForFsmrf(srf), { customEvents });
 * ```
 */
export function guardSrfForFsmrf(srf: SrfClient): SrfClient {
  return new Proxy(srf, {
    get(target, prop): unknown {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      if (prop !== 'createUAC') return value.bind(target);
      return (...args: unknown[]): unknown => {
        const result: unknown = Reflect.apply(value, target, args);
        return isThenable(result) ? result.then(guardDialog) : result;
      };
    },
  });
}
