import { EMPTY, mergeMap, of, type OperatorFunction } from 'rxjs';
import { decodeSignal, type SignalDecodeError } from '../protocol/codec';
import type { Inbound } from './inbound';
import type { IncomingMessage } from './signaling-channel';

/** Called for each message that carried malformed signaling (not for non-signaling messages). */
export type InvalidSignalReporter = (message: IncomingMessage, error: SignalDecodeError) => void;

/**
 * Decodes IM custom messages into signals. Messages that are not signaling at all
 * (`businessID` ≠ 1: an app's own custom messages) are skipped quietly; malformed signaling
 * is reported and skipped. Never errors.
 *
 * @example
 * signaling.messages$.pipe(decodeSignals((m, e) => log.warn('dropped', m.id, e.message)))
 */
export function decodeSignals(
  onInvalid: InvalidSignalReporter,
  replayed = false,
): OperatorFunction<IncomingMessage, Inbound> {
  return mergeMap((message) => {
    const result = decodeSignal(message.data);
    if (result.ok) return of<Inbound>({ signal: result.signal, message, replayed });
    if (result.error.code !== 'notSignaling') onInvalid(message, result.error);
    return EMPTY;
  });
}
