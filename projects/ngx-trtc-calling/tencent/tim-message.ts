import type { ConversationType, IncomingMessage } from 'ngx-trtc-calling/core';
import type { TimMessage, TimTypes } from './tim-like';

/** The `TIM.TYPES` values `fromTimMessage` reads: tim-js-sdk 2.x's own strings. */
export const TIM_MESSAGE_TYPES: Pick<TimTypes, 'MSG_CUSTOM' | 'CONV_C2C' | 'CONV_GROUP'> = {
  MSG_CUSTOM: 'TIMCustomElem',
  CONV_C2C: 'C2C',
  CONV_GROUP: 'GROUP',
};

/**
 * A tim-js-sdk message as the signaling port's `IncomingMessage` (what `decodeSignals` reads), or
 * `undefined` for what can carry no signal: a message that is not a custom one, has no string
 * `data`, or belongs to neither a C2C nor a group conversation. What `timSignaling` does with
 * each message of `MESSAGE_RECEIVED`, for apps that compose the operators over their own TIM.
 *
 * @example
 * const incoming$ = new Subject<IncomingMessage>();
 * tim.on(TIM.EVENT.MESSAGE_RECEIVED, ({ data }) =>
 *   data.map((m) => fromTimMessage(m, TIM.TYPES)).forEach((m) => m && incoming$.next(m)),
 * );
 * const decided$ = incoming$.pipe(decodeSignals(), rejectWhenBusy(state$));
 */
export function fromTimMessage(
  message: TimMessage,
  types: Pick<TimTypes, 'MSG_CUSTOM' | 'CONV_C2C' | 'CONV_GROUP'> = TIM_MESSAGE_TYPES,
): IncomingMessage | undefined {
  if (message.type !== types.MSG_CUSTOM) return undefined;
  const payload = message.payload as { readonly data?: unknown } | undefined;
  if (typeof payload?.data !== 'string') return undefined;
  let conversationType: ConversationType;
  if (message.conversationType === types.CONV_C2C) conversationType = 'C2C';
  else if (message.conversationType === types.CONV_GROUP) conversationType = 'GROUP';
  else return undefined;
  return {
    id: message.ID,
    from: message.from,
    conversationType,
    ...(conversationType === 'GROUP' ? { groupID: message.to } : {}),
    data: payload.data,
    time: message.time * 1000,
  };
}
