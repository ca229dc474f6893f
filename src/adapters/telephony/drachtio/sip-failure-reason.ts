import type { FailureReason } from '../../../domain/ports/telephony-port.ts';

/**
 * Maps a final SIP failure status of an outbound INVITE to the port's failure reason.
 * 486/600/603 busy; 404/484/410/604 invalid number; 480/408 unavailable; 487 cancelled
 * (the adapter turns a 487 it caused with its ring timer into `no-answer`); 5xx congestion;
 * anything else `error`.
 *
 * @example
 * ```ts
 * sipFailureReason(486); // 'busy'
 * ```
 */
export function sipFailureReason(status: number): FailureReason {
  switch (status) {
    case 486:
    case 600:
    case 603:
      return 'busy';
    case 404:
    case 410:
    case 484:
    case 604:
      return 'invalid';
    case 408:
    case 480:
      return 'unavailable';
    case 487:
      return 'cancelled';
    default:
      return status >= 500 && status <= 599 ? 'congestion' : 'error';
  }
}
