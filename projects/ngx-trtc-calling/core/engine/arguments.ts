// Tencent IM's userID and groupID rules, shared with the server: one rule, one place.
import { GROUP_ID_PATTERN, USER_ID_PATTERN } from 'ngx-trtc-calling/wire';
import type { DeviceInfo, SwitchDeviceParams, ViewParams } from '../calling-options';
import type { DeviceKind, MediaDevice, ViewTarget } from '../media/media-engine';
import { invalidArgument } from './failures';

/** How many users one `groupCall` may invite. */
const MAX_INVITEES = 50;

/*
 * The checks of `Calling`'s arguments, which come from JavaScript callers too: each returns
 * the argument typed, or throws `invalidArgument`. Last, the device lists in the spec's shape.
 */

export function checkUserID(userID: unknown): string {
  if (typeof userID !== 'string' || !USER_ID_PATTERN.test(userID)) throw invalidArgument('bad userID');
  return userID;
}

export function checkCallType(type: unknown): 1 | 2 {
  if (type !== 1 && type !== 2) throw invalidArgument('type must be 1 or 2');
  return type;
}

/** The invitees of a group call, each once; never `self`. */
export function checkInvitees(userIDList: unknown, self: string): string[] {
  if (!Array.isArray(userIDList) || userIDList.length === 0) throw invalidArgument('userIDList is empty');
  const list: unknown[] = [...new Set(userIDList)];
  if (list.some((id) => typeof id !== 'string' || !USER_ID_PATTERN.test(id))) {
    throw invalidArgument('bad userID in userIDList');
  }
  if (list.includes(self)) throw invalidArgument('cannot call yourself');
  if (list.length > MAX_INVITEES) throw invalidArgument(`at most ${MAX_INVITEES} invitees`);
  return list as string[];
}

/** A group call's IM group, `""` for none. */
export function checkGroupID(groupID: unknown): string {
  if (typeof groupID !== 'string' || (groupID !== '' && !GROUP_ID_PATTERN.test(groupID))) {
    throw invalidArgument('bad groupID');
  }
  return groupID;
}

export function viewTarget(params: ViewParams): ViewTarget {
  const target = params?.videoViewDomID;
  if (typeof target === 'string' ? !target : !target) throw invalidArgument('videoViewDomID is required');
  return target;
}

const DEVICE_TYPES = { audio: 'microphone', video: 'camera', speaker: 'speaker' } as const;

/** `switchDevice`'s two forms: `{deviceType, deviceID}` and the API doc's `(deviceType, deviceID)`. */
export function checkSwitchDevice(
  params: SwitchDeviceParams | SwitchDeviceParams['deviceType'],
  deviceId: string | undefined,
): { kind: DeviceKind; deviceID: string } {
  const object = typeof params === 'object' && params !== null ? params : undefined;
  const deviceType = object ? object.deviceType : params;
  const deviceID = object ? (object.deviceID ?? object.deviceId) : deviceId;
  const kind = DEVICE_TYPES[deviceType as keyof typeof DEVICE_TYPES];
  if (!kind) throw invalidArgument('bad deviceType');
  if (typeof deviceID !== 'string' || !deviceID) throw invalidArgument('deviceID is required');
  return { kind, deviceID };
}

const BROWSER_KINDS = { camera: 'videoinput', microphone: 'audioinput', speaker: 'audiooutput' } as const;

/** Devices with the browser's `MediaDeviceInfo` fields (`kind` in its words), ours kept beside them. */
export function deviceInfos(devices: readonly MediaDevice[]): DeviceInfo[] {
  return devices.map((d) => ({
    ...d,
    deviceId: d.deviceID,
    groupId: d.groupID ?? '',
    kind: BROWSER_KINDS[d.kind],
    deviceKind: d.kind,
  }));
}
