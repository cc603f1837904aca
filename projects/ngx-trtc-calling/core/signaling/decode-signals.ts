import type { OperatorFunction } from 'rxjs';
import { filter, map } from '../operators';
import { decodeSignal, type SignalDecodeError } from '../protocol/codec';
import type { Inbound } from './inbound';
import type { IncomingMessage } from './signaling-channel';

/** Called for each message that carried malformed signaling (not for non-signaling messages). */
export type InvalidSignalReporter = (message: IncomingMessage, error: SignalDecodeError) => void;

/**
 * What is not signaling at all: an app's own custom messages, whose data need not be a JSON
 * object nor carry `businessID` 1 (PROTOCOL.md §2.5 — TSignaling passes them on untouched).
 */
const NOT_SIGNALING: readonly SignalDecodeError['code'][] = ['notSignaling', 'notJson', 'notObject'];

/** Options of `decodeSignals`. */
export interface DecodeSignalsOptions {
  /** Called for each message that carried malformed signaling (default: ignore). */
  readonly onInvalid?: InvalidSignalReporter;
  /** Marks every signal as delivered from history rather than live (default `false`). */
  readonly replayed?: boolean;
}

/**
 * Decodes IM custom messages into signals. Messages that are not signaling at all are
 * skipped quietly; malformed signaling is reported (`onInvalid`, which may also be passed
 * alone) and skipped. Never errors.
 *
 * @example
 * const inbound$ = signaling.messages$.pipe(decodeSignals({ onInvalid: (m, e) => log.warn(m.id, e.message) }));
 */
export function decodeSignals(
  options?: DecodeSignalsOptions | InvalidSignalReporter,
): OperatorFunction<IncomingMessage, Inbound>;
/** @deprecated Pass `{ onInvalid, replayed }` instead of a positional boolean. */
export function decodeSignals(
  onInvalid: InvalidSignalReporter,
  replayed: boolean,
): OperatorFunction<IncomingMessage, Inbound>;
export function decodeSignals(
  options: DecodeSignalsOptions | InvalidSignalReporter = {},
  replayedArg?: boolean,
): OperatorFunction<IncomingMessage, Inbound> {
  const { onInvalid, replayed = replayedArg ?? false } =
    typeof options === 'function' ? { onInvalid: options } : options;
  return (source) =>
    source.pipe(
      map((message): Inbound | null => {
        const result = decodeSignal(message.data);
        if (result.ok) return { signal: result.signal, message, replayed };
        if (!NOT_SIGNALING.includes(result.error.code)) onInvalid?.(message, result.error);
        return null;
      }),
      filter((inbound): inbound is Inbound => inbound !== null),
    );
}
