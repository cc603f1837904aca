import type {
  CallParams,
  CallResult,
  GroupCallParams,
  GroupCallResult,
  JoinParams,
} from '../calling-options';
import { checkCallType, checkGroupID, checkInvitees, checkUserID } from './arguments';
import { dial } from './calls';
import type { CallEngine, Session } from './engine';
import { invalidArgument, wrongState } from './failures';
import { joinInProgress } from './rejoin';

/*
 * `Calling.call`, `groupCall` and `join`: their arguments checked against the session and the
 * phase, then handed to dialing or to joining a call in progress.
 */

/** Calls one user; resolves once the invitation is out and our media is up. */
export async function callUser(engine: CallEngine, self: Session, params: CallParams): Promise<CallResult> {
  const userID = checkUserID(params?.userID);
  if (userID === self.userID) throw invalidArgument('cannot call yourself');
  const type = checkCallType(params?.type);
  if (engine.phase !== 'idle') throw wrongState(`cannot call while ${engine.phase}`);
  const { inviteIDs, roomID } = await dial(engine, [userID], type, '', false, params.offlinePushInfo);
  return { code: 0, inviteID: inviteIDs[0] ?? '', roomID, userID, callType: type };
}

/** Calls several users, or invites more into our own running group call. */
export async function callGroup(
  engine: CallEngine,
  self: Session,
  params: GroupCallParams,
): Promise<GroupCallResult> {
  const list = checkInvitees(params?.userIDList, self.userID);
  const type = checkCallType(params?.type);
  const groupID = checkGroupID(params?.groupID ?? '');
  const current = engine.call;
  if (current) {
    if (!current.isGroup || (engine.phase !== 'dialing' && engine.phase !== 'connected')) {
      throw wrongState(`cannot call while ${engine.phase}`);
    }
    if (groupID !== current.groupID) throw invalidArgument('groupID differs from the call');
  }
  const { inviteIDs, roomID, failed } = await dial(engine, list, type, groupID, true, params.offlinePushInfo);
  return { code: 0, inviteIDs, roomID, groupID, failed };
}

/** Joins a group call in progress by its room. */
export async function joinRoom(engine: CallEngine, params: JoinParams): Promise<void> {
  const roomID = params?.roomID;
  if (typeof roomID !== 'number' || !Number.isSafeInteger(roomID) || roomID <= 0)
    throw invalidArgument('roomID must be a positive integer');
  const type = params.callType ?? params.type;
  if (type !== undefined) checkCallType(type);
  await joinInProgress(engine, params, checkGroupID(params.groupID ?? ''));
}
