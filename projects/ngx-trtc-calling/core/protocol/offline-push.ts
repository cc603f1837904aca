import type { OutgoingOfflinePush } from '../signaling/signaling-channel';
import { ACTION_TYPE, type InviteSignal, type OfflinePushInfo } from './signal';

/** The reference's fixed push text ("you have a call request"), used when the app gives none. */
export const DEFAULT_OFFLINE_PUSH_DESCRIPTION = '您有一个通话请求';

/**
 * Builds the offline push that TSignaling attaches to every INVITE (PROTOCOL.md §2.1),
 * including hang-up notices and switch requests, which are INVITEs on the wire.
 *
 * Native TUICallKit clients parse `extension` to start ringing from the push alone, so its
 * JSON layout (member order included) follows the reference exactly.
 *
 * @param signal The INVITE being sent.
 * @param info What the app passed to `call`/`groupCall`, if anything.
 * @param sendTimeSeconds Unix time in whole seconds, written as `entity.sendTime`.
 */
export function buildOfflinePushInfo(
  signal: InviteSignal,
  info: OfflinePushInfo | undefined,
  sendTimeSeconds: number,
): OutgoingOfflinePush {
  const { content } = signal;
  // `undefined` members vanish in JSON.stringify, exactly as in the reference: a hang-up notice
  // has no room, and `group_id` is written only for group invitations.
  const pushContent = {
    action: ACTION_TYPE.INVITE,
    call_type: content.callType,
    room_id: content.kind === 'hangup' ? undefined : content.roomID,
    call_id: signal.inviteID,
    version: 4,
    invited_list: signal.inviteeList,
    group_id: signal.groupID === '' ? undefined : signal.groupID,
  };
  const extension = {
    entity: {
      action: 2,
      chatType: signal.groupID === '' ? 1 : 2,
      content: JSON.stringify(pushContent),
      sendTime: sendTimeSeconds,
      sender: signal.inviter,
      version: 1,
    },
    userData: info?.extension ?? '',
  };
  return {
    title: info?.title ?? '',
    // An empty description would make a silent push, so it falls back to the default like an absent one.
    description: info?.description || DEFAULT_OFFLINE_PUSH_DESCRIPTION,
    androidOPPOChannelID: info?.androidOPPOChannelID ?? '',
    extension: JSON.stringify(extension),
  };
}
