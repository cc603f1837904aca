import { encodeSignal } from '../protocol/codec';
import { buildOfflinePushInfo } from '../protocol/offline-push';
import type { OfflinePushInfo, Signal } from '../protocol/signal';
import type { ConversationType, SentMessage, SignalingChannel } from './signaling-channel';

/** Where a signal is sent. */
export interface Route {
  readonly to: string;
  readonly conversationType: ConversationType;
}

/**
 * The destination the reference uses for each action (PROTOCOL.md §2.4): the group when the
 * invitation has a groupID; otherwise the invitee for INVITE/CANCEL and the inviter's own
 * TIMEOUT, the inviter for ACCEPT/REJECT and an invitee's TIMEOUT.
 */
export function defaultRoute(signal: Signal, selfID: string): Route {
  if (signal.groupID !== '') return { to: signal.groupID, conversationType: 'GROUP' };
  const toInvitee =
    signal.action === 'invite' ||
    signal.action === 'cancel' ||
    (signal.action === 'timeout' && signal.inviter === selfID);
  return { to: toInvitee ? (signal.inviteeList[0] ?? '') : signal.inviter, conversationType: 'C2C' };
}

/**
 * Encodes and sends one signal. INVITEs carry the offline push information of PROTOCOL.md
 * §2.1; nothing else does.
 */
export function sendSignal(
  channel: SignalingChannel,
  signal: Signal,
  route: Route,
  options: { readonly now: number; readonly offlinePushInfo?: OfflinePushInfo },
): Promise<SentMessage> {
  try {
    const data = encodeSignal(signal);
    const offlinePushInfo =
      signal.action === 'invite'
        ? buildOfflinePushInfo(signal, options.offlinePushInfo, Math.floor(options.now / 1000))
        : undefined;
    return channel.send({ ...route, data, ...(offlinePushInfo ? { offlinePushInfo } : {}) });
  } catch (error) {
    return Promise.reject(error);
  }
}
