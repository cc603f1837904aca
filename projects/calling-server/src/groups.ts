import { GROUP_ID_RULE, type GroupRequest } from 'ngx-trtc-calling/wire';
import type { GroupRefusal, Store } from './cluster';
import type { ServerConfig } from './config';
import { ERR, WireError } from './errors';
import { GROUP_ID_PATTERN } from './frames';
import { USER_ID_PATTERN } from './usersig';

/** Creates, joins, leaves or deletes a group for user `me`; a refusal is thrown as its `WireError`. */
export async function changeGroup(store: Store, c: ServerConfig, me: string, f: GroupRequest): Promise<void> {
  const limits = {
    maxGroups: c.maxGroups,
    maxGroupMembers: c.maxGroupMembers,
    maxGroupsPerUser: c.maxGroupsPerUser,
    groupTtlMs: c.groupTtlMs,
  };
  let refusal: GroupRefusal | null;
  switch (f.t) {
    case 'group.create':
      refusal = await store.createGroup(f.groupID, createdMembers(c, me, f), limits, f.open === true);
      break;
    case 'group.join':
      refusal = await store.joinGroup(f.groupID, me, limits);
      break;
    case 'group.leave':
      refusal = await store.leaveGroup(f.groupID, me);
      break;
    case 'group.delete':
      refusal = await store.deleteGroup(f.groupID, me);
      break;
    case 'group.add':
      refusal = await store.addGroupMembers(f.groupID, me, addedMembers(c, f), limits);
      break;
  }
  switch (refusal) {
    case null:
      return;
    case 'exists':
      throw new WireError(ERR.GROUP_EXISTS, `group ${f.groupID} exists`);
    case 'tooManyGroups':
      throw new WireError(ERR.TOO_MANY_GROUPS, `${c.maxGroups} groups already`);
    case 'groupQuota':
      throw new WireError(ERR.GROUP_QUOTA_EXCEEDED, `you own ${c.maxGroupsPerUser} groups already`);
    case 'closed':
      throw new WireError(ERR.GROUP_CLOSED, `${f.groupID} is not open: a member must add you`);
    case 'notOwner':
      throw new WireError(ERR.NOT_GROUP_OWNER, `only the owner deletes ${f.groupID}`);
    case 'unknown':
      throw new WireError(ERR.UNKNOWN_TARGET, `no group ${f.groupID}`);
    case 'full':
      throw new WireError(ERR.GROUP_FULL, `${c.maxGroupMembers} members already`);
    case 'notMember':
      throw new WireError(ERR.NOT_A_MEMBER, `not a member of ${f.groupID}`);
  }
}

/** The valid, distinct members a `group.add` asks for (no more than a group holds). */
function addedMembers(c: ServerConfig, f: GroupRequest): string[] {
  const members = new Set<string>();
  for (const m of f.members ?? []) {
    if (!USER_ID_PATTERN.test(m)) throw new WireError(ERR.INVALID_USER_ID, 'a member is not a userID');
    members.add(m);
    if (members.size > c.maxGroupMembers) {
      throw new WireError(ERR.GROUP_FULL, `more than ${c.maxGroupMembers} members`);
    }
  }
  return [...members];
}

/** The members of a group `me` creates: `me` and the valid, distinct members asked for. */
function createdMembers(c: ServerConfig, me: string, f: GroupRequest): string[] {
  if (!GROUP_ID_PATTERN.test(f.groupID))
    throw new WireError(ERR.BAD_FRAME, `groupID must be ${GROUP_ID_RULE}`);
  const members = new Set([me]);
  for (const m of f.members ?? []) {
    if (!USER_ID_PATTERN.test(m)) throw new WireError(ERR.INVALID_USER_ID, 'a member is not a userID');
    members.add(m);
    if (members.size > c.maxGroupMembers) {
      throw new WireError(ERR.GROUP_FULL, `more than ${c.maxGroupMembers} members`);
    }
  }
  return [...members];
}
