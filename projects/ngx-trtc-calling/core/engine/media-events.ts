import type { MediaEvent } from '../media/media-engine';
import type { CallState } from '../state/call-state';
import { selectRinging } from '../state/selectors';
import { callEnd, type CallEngine, hasCompany, inviteeList, publicEvent } from './engine';
import { mediaCause } from './failures';
import { farewells, hangupNotice } from './signals';

/*
 * What the engine does with each event of the `MediaEngine`, keyed by every event type so a
 * new one does not compile until it is handled.
 */

type MediaHandlers = {
  [T in MediaEvent['type']]: (engine: CallEngine, event: Extract<MediaEvent, { type: T }>) => void;
};

const MEDIA: MediaHandlers = {
  userEntered: (engine, event) => {
    const call = engine.call;
    const phase = engine.phase;
    if (!call || (phase !== 'dialing' && phase !== 'connecting' && phase !== 'connected')) {
      engine.log.info('ignored media: no call');
      return;
    }
    const ringingBefore = selectRinging(call).length;
    engine.commit(
      { type: 'peerEntered', userID: event.userID, at: engine.now() },
      publicEvent('onUserEnter', { userID: event.userID }),
      // An invitee who enters without answering first stops ringing.
      (state: CallState) => (selectRinging(state.call).length !== ringingBefore ? inviteeList(state) : null),
    );
    engine.settle('connect', call.callID);
    for (const id of call.inviteIDs) engine.settleIfAnswered(id);
  },

  userLeft: (engine, event) => {
    const shares = engine.screenShares$.value;
    if (shares.includes(event.userID)) engine.screenShares$.next(shares.filter((id) => id !== event.userID));
    const call = engine.call;
    const who = call?.participants.find((p) => p.userID === event.userID);
    if (!call || !who || who.status !== 'joined') return;
    engine.commit(
      { type: 'peerLeft', userID: event.userID },
      publicEvent('onUserLeave', { userID: event.userID }),
    );
    const after = engine.call;
    if (after && !hasCompany(after)) {
      // The last one left without a hang-up notice (crash, or a reference client, which sends
      // none): tell them, as the reference's last remaining client does (1:1 and group), so
      // they get CALL_END too. Duplicates are ignored on our side.
      const duration = engine.duration(call);
      engine
        .send(hangupNotice(engine.selfID, call, event.userID, duration), {
          to: event.userID,
          conversationType: 'C2C',
        })
        .catch((error) => engine.log.info('hang-up notice not sent', error));
      engine.endCall(call.callID, 'remoteHangup', callEnd(event.userID, duration, 'remoteHangup'));
    }
  },

  audioAvailable: (engine, event) => {
    engine.commit(
      { type: 'availability', userID: event.userID, kind: 'audio', available: event.available },
      publicEvent('onUserAudioAvailable', { userID: event.userID, isAudioAvailable: event.available }),
    );
  },

  videoAvailable: (engine, event) => {
    engine.commit(
      { type: 'availability', userID: event.userID, kind: 'video', available: event.available },
      publicEvent('onUserVideoAvailable', { userID: event.userID, isVideoAvailable: event.available }),
    );
  },

  volume: (engine, event) =>
    engine.emit(
      publicEvent('onUserVoiceVolume', {
        volumeMap: event.volumes.map((v) => ({ userId: v.userID, audioVolume: v.volume })),
      }),
    ),

  devicesChanged: (engine, event) => engine.devices$.next(event.devices),

  deviceFallback: (engine, event) =>
    engine.deviceFallback$.next({
      kind: event.kind,
      from: event.from,
      ...(event.to ? { to: event.to } : {}),
    }),

  // Reports that come after the call ended (a last stats round in flight) would outlive it.
  networkQuality: (engine, event) => {
    if (engine.call) engine.quality$.next(event.qualities);
  },

  stats: (engine, event) => {
    if (engine.call) engine.stats$.next(event.stats);
  },

  screenShareAvailable: (engine, event) => {
    if (!engine.call && event.available) return;
    const others = engine.screenShares$.value.filter((id) => id !== event.userID);
    engine.screenShares$.next(event.available ? [...others, event.userID] : others);
  },

  screenShareEnded: (engine) => engine.sharing$.next(false),

  connectionState: (engine, event) => engine.mediaConnection$.next(event.state),

  failed: (engine, event) => {
    const call = engine.call;
    engine.emitError(event);
    const cause = mediaCause(event);
    if (call) {
      // Everyone still in the call or ringing is told, as on a hang-up.
      const signals = farewells(engine.selfID, call, engine.duration(call));
      engine.endCall(
        call.callID,
        { reason: 'mediaFailed', cause },
        callEnd(engine.selfID, engine.duration(call), 'mediaFailed', cause),
      );
      for (const [signal, route] of signals) engine.send(signal, route).catch(() => undefined);
    }
  },

  error: (engine, event) => engine.emitError(event),
};

/** Acts on one event of the media engine. */
export function handleMediaEvent(engine: CallEngine, event: MediaEvent): void {
  (MEDIA[event.type] as MediaHandlers[MediaEvent['type']])(engine, event as never);
}
