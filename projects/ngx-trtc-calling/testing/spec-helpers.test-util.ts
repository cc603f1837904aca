import type { IncomingMessage, OutgoingMessage } from 'ngx-trtc-calling/core';
import { recordEvents, type EventRecording } from './record';
import { VirtualClock } from './virtual-clock';
import { VirtualNetwork, type VirtualNetworkOptions } from './virtual-network';
import type { VirtualSignalingChannel } from './virtual-signaling-channel';

/** A network on a fresh virtual clock starting at 0, so recorded times read as elapsed ms. */
export function virtualSetup(options: Omit<VirtualNetworkOptions, 'scheduler'> = {}) {
  const clock = new VirtualClock({ startTime: 0 });
  const network = new VirtualNetwork({ scheduler: clock.scheduler, ...options });
  return { clock, network };
}

/** A new session of `userID`, logged in (the clock advances by the latency). */
export async function loggedIn(
  clock: VirtualClock,
  network: VirtualNetwork,
  userID: string,
): Promise<VirtualSignalingChannel> {
  const channel = network.signaling();
  await Promise.all([channel.login({ userID, userSig: `sig-${userID}` }), clock.advance(network.latency)]);
  return channel;
}

/** Records the `data` of every message the channel receives. */
export function inbox(
  channel: VirtualSignalingChannel,
  clock: VirtualClock,
): EventRecording<IncomingMessage> {
  return recordEvents(channel.messages$, clock);
}

/** The data strings of a recording. */
export function dataOf(recording: EventRecording<IncomingMessage>): string[] {
  return recording.values.map((message) => message.data);
}

/** A C2C message. */
export function c2c(to: string, data: string): OutgoingMessage {
  return { to, conversationType: 'C2C', data };
}

/** A GROUP message. */
export function group(groupID: string, data: string): OutgoingMessage {
  return { to: groupID, conversationType: 'GROUP', data };
}
