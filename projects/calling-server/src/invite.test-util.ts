/** Call invitations as TRTCCalling sends them, for the room-access specs. */

/** A TSignaling INVITE (PROTOCOL.md §2.2, §3.2) of `inviter` for `invitees` into `roomID`. */
export function inviteData(
  inviter: string,
  invitees: readonly string[],
  roomID: number,
  groupID = '',
): string {
  const inner = {
    extraInfo: '',
    version: 4,
    call_type: 2,
    room_id: roomID,
    businessID: 'av_call',
    platform: 'Web',
    data: { cmd: 'videoCall', room_id: roomID, message: '' },
  };
  return JSON.stringify({
    businessID: 1,
    inviteID: `inv-${inviter}-${roomID}-${invitees.join('.')}`,
    inviter,
    actionType: 1,
    inviteeList: invitees,
    data: JSON.stringify(inner),
    timeout: 30,
    groupID,
    onlineUserOnly: false,
  });
}
