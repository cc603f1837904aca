import { asyncScheduler, type Subject } from 'rxjs';
import type { CallingEvent } from '../calling-events';
import { type CallingOptions, CONSOLE_LOGGER } from '../calling-options';
import { createRoomID } from '../protocol/ids';
import { sessionCallStore } from './call-store';
import type { EngineOptions } from './engine';
import { invalidArgument } from './failures';

/**
 * `CallingOptions` checked and with their defaults applied, as the engine is built from them;
 * `events$` is `Calling`'s, which selects its event streams from it.
 */
export function engineOptions(options: CallingOptions, events$: Subject<CallingEvent>): EngineOptions {
  if (!options || !options.signaling || !options.media) {
    throw invalidArgument('signaling and media are required');
  }
  const ring = options.ringTimeout ?? 30;
  if (!Number.isFinite(ring) || ring <= 0) throw invalidArgument('ringTimeout must be > 0 (seconds)');
  return {
    signaling: options.signaling,
    media: options.media,
    scheduler: options.scheduler ?? asyncScheduler,
    log: options.logger ?? CONSOLE_LOGGER,
    events$,
    ringSeconds: ring,
    newRoomID: options.createRoomID ?? (() => createRoomID()),
    autoAcceptSwitch: options.autoAcceptSwitch ?? false,
    instantAnswer: options.instantAnswer ?? true,
    callStore: options.callStore === undefined ? sessionCallStore() : options.callStore,
    rejoinMs: positiveSeconds(options.rejoinGrace ?? 30, 'rejoinGrace') * 1000,
  };
}

/** A positive number of seconds, or an `invalidArgument` naming the option. */
function positiveSeconds(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) throw invalidArgument(`${name} must be > 0 (seconds)`);
  return value;
}
