import type {
  ClientFrame,
  GroupRequest,
  RtcPayload,
  SendRequest,
  OkResults,
  WireErrorCode,
  WireOfflinePush,
} from 'ngx-trtc-calling/wire';
import { ERR } from './errors';

/** groupIDs: Tencent's own (`@TGS#...`) and application-chosen ones; the rule both sides share. */
export { GROUP_ID_PATTERN } from 'ngx-trtc-calling/wire';

/** A frame that could not be accepted: its code, a reason for the logs and, if known, the request id. */
export interface FrameRejection {
  readonly ok: false;
  readonly code: WireErrorCode;
  readonly reason: string;
  readonly id?: number;
}

/** Outcome of `parseClientFrame`. */
export type ParsedFrame = { readonly ok: true; readonly frame: ClientFrame } | FrameRejection;

const REQUEST_TYPES = new Set<ClientFrame['t']>([
  'login',
  'logout',
  'send',
  'history',
  'group.create',
  'group.join',
  'group.leave',
  'group.delete',
  'group.add',
  'room.join',
  'room.leave',
  'rtc',
  'ping',
  'ice.servers',
]);

type Obj = Record<string, unknown>;

class Invalid extends Error {}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function str(o: Obj, k: string, max = Infinity): string {
  const v = o[k];
  if (typeof v !== 'string') throw new Invalid(`${k} must be a string`);
  if (v.length > max) throw new Invalid(`${k} longer than ${max}`);
  return v;
}
function optStr(o: Obj, k: string, max = Infinity): string | undefined {
  return o[k] === undefined ? undefined : str(o, k, max);
}
function int(o: Obj, k: string, min: number): number {
  const v = o[k];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
    throw new Invalid(`${k} must be an integer ≥ ${min}`);
  }
  return v;
}
function optInt(o: Obj, k: string, min: number): number | undefined {
  return o[k] === undefined ? undefined : int(o, k, min);
}
function num(o: Obj, k: string): number {
  const v = o[k];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Invalid(`${k} must be a finite number`);
  return v;
}

function offlinePush(v: unknown): WireOfflinePush | undefined {
  if (v === undefined) return undefined;
  if (!isObj(v)) throw new Invalid('offlinePushInfo must be an object');
  return {
    title: str(v, 'title'),
    description: str(v, 'description'),
    androidOPPOChannelID: str(v, 'androidOPPOChannelID'),
    extension: str(v, 'extension'),
  };
}

/** Rebuilds the payload from known fields only, so nothing unexpected is ever relayed. */
function rtcPayload(v: unknown): RtcPayload {
  if (!isObj(v)) throw new Invalid('payload must be an object');
  switch (v['kind']) {
    case 'offer':
    case 'answer':
      return { kind: v['kind'], sdp: str(v, 'sdp') };
    case 'candidate': {
      const sdpMid = v['sdpMid'];
      const sdpMLineIndex = v['sdpMLineIndex'];
      if (sdpMid !== null && typeof sdpMid !== 'string') throw new Invalid('sdpMid must be a string or null');
      if (
        sdpMLineIndex !== null &&
        !(Number.isSafeInteger(sdpMLineIndex) && (sdpMLineIndex as number) >= 0)
      ) {
        throw new Invalid('sdpMLineIndex must be a non-negative integer or null');
      }
      return {
        kind: 'candidate',
        candidate: str(v, 'candidate'),
        sdpMid,
        sdpMLineIndex: sdpMLineIndex as number | null,
      };
    }
    case 'media':
      if (typeof v['audio'] !== 'boolean' || typeof v['video'] !== 'boolean') {
        throw new Invalid('media payload needs boolean audio and video');
      }
      return { kind: 'media', audio: v['audio'], video: v['video'] };
    case 'screen': {
      const mid = v['mid'];
      if (mid !== null && (typeof mid !== 'string' || mid.length > 64)) {
        throw new Invalid('screen payload needs mid: a string of at most 64 characters, or null');
      }
      return { kind: 'screen', mid };
    }
    default:
      throw new Invalid('payload.kind must be offer, answer, candidate, media or screen');
  }
}

function roomID(o: Obj): number {
  return int(o, 'roomID', 1);
}

function buildFrame(t: ClientFrame['t'], id: number, o: Obj): ClientFrame {
  switch (t) {
    case 'login': {
      const lastSeq = optInt(o, 'lastSeq', 0);
      const resumeSessionID = optStr(o, 'resumeSessionID', 128);
      return {
        t,
        id,
        SDKAppID: int(o, 'SDKAppID', 0),
        userID: str(o, 'userID', 1024),
        userSig: str(o, 'userSig'),
        ...(lastSeq !== undefined ? { lastSeq } : {}),
        ...(resumeSessionID !== undefined ? { resumeSessionID } : {}),
      };
    }
    case 'logout':
    case 'ping':
    case 'ice.servers':
      return { t, id };
    case 'send': {
      const conversationType = o['conversationType'];
      if (conversationType !== 'C2C' && conversationType !== 'GROUP') {
        throw new Invalid('conversationType must be C2C or GROUP');
      }
      // The most frequent frame: its fields are read by name (one shape), not through `str`.
      const to = o['to'];
      if (typeof to !== 'string') throw new Invalid('to must be a string');
      if (to.length > 1024) throw new Invalid('to longer than 1024');
      const data = o['data'];
      if (typeof data !== 'string') throw new Invalid('data must be a string');
      const offlinePushInfo = offlinePush(o['offlinePushInfo']);
      const frame: SendRequest = offlinePushInfo
        ? { t, id, to, conversationType, data, offlinePushInfo }
        : { t, id, to, conversationType, data };
      return frame;
    }
    case 'history': {
      const beforeSeq = optInt(o, 'beforeSeq', 0);
      return {
        t,
        id,
        since: num(o, 'since'),
        limit: int(o, 'limit', 1),
        ...(beforeSeq !== undefined ? { beforeSeq } : {}),
      };
    }
    case 'group.create':
    case 'group.join':
    case 'group.leave':
    case 'group.delete':
    case 'group.add': {
      const groupID = str(o, 'groupID', 1024);
      let members: string[] | undefined;
      if (t === 'group.add' && o['members'] === undefined) throw new Invalid('members is required');
      if ((t === 'group.create' || t === 'group.add') && o['members'] !== undefined) {
        const m = o['members'];
        if (!Array.isArray(m) || m.some((x) => typeof x !== 'string')) {
          throw new Invalid('members must be an array of strings');
        }
        members = m as string[];
      }
      const open = o['open'];
      if (t === 'group.create' && open !== undefined && typeof open !== 'boolean') {
        throw new Invalid('open must be a boolean');
      }
      const frame: GroupRequest = {
        t,
        id,
        groupID,
        ...(members ? { members } : {}),
        ...(t === 'group.create' && open === true ? { open } : {}),
      };
      return frame;
    }
    case 'room.join':
      return {
        t,
        id,
        roomID: roomID(o),
        ...(o['rejoin'] === true ? { rejoin: true } : {}),
        ...(o['prepared'] === true ? { prepared: true } : {}),
      };
    case 'room.leave':
      return { t, id, roomID: roomID(o) };
    case 'rtc':
      return { t, id, roomID: roomID(o), to: str(o, 'to', 128), payload: rtcPayload(o['payload']) };
  }
}

/**
 * Parses and validates one text frame. Returns a typed request rebuilt from known fields only,
 * or the code to answer with: `BAD_FRAME` (not JSON, not an object, bad id, wrongly typed field)
 * or `UNKNOWN_TYPE`. Never throws.
 */
export function parseClientFrame(text: string): ParsedFrame {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, code: ERR.BAD_FRAME, reason: 'not JSON' };
  }
  if (!isObj(value)) return { ok: false, code: ERR.BAD_FRAME, reason: 'not a JSON object' };
  const id = value['id'];
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) {
    return { ok: false, code: ERR.BAD_FRAME, reason: 'id must be a non-negative integer' };
  }
  const t = value['t'];
  if (typeof t !== 'string') return { ok: false, code: ERR.BAD_FRAME, reason: 't must be a string', id };
  if (!REQUEST_TYPES.has(t as ClientFrame['t'])) {
    return {
      ok: false,
      code: ERR.UNKNOWN_TYPE,
      reason: `unknown type ${JSON.stringify(t.slice(0, 40))}`,
      id,
    };
  }
  try {
    return { ok: true, frame: buildFrame(t as ClientFrame['t'], id, value) };
  } catch (e) {
    if (e instanceof Invalid) return { ok: false, code: ERR.BAD_FRAME, reason: `${t}: ${e.message}`, id };
    throw e;
  }
}

/**
 * Best-effort request id of a frame too large to parse: found when the frame starts with
 * `{"id":N` or `{"t":"…","id":N` (the order clients serialise in). Undefined otherwise.
 */
export function sniffRequestId(head: string): number | undefined {
  const m = /^\s*\{\s*(?:"t"\s*:\s*"[A-Za-z.]{0,32}"\s*,\s*)?"id"\s*:\s*(\d{1,15})\s*[,}]/.exec(head);
  return m ? Number(m[1]) : undefined;
}

/**
 * The invitee count of a TSignaling envelope in `data` when it is over `max`; undefined when it is
 * not over (or `data` is no envelope). A JSON array of n elements holds at least n − 1 commas, so
 * data with fewer than `max` commas cannot be over and is not parsed: the common case, a call
 * signal with a few invitees, then costs one scan for commas instead of a second `JSON.parse`.
 */
export function inviteesOver(data: string, max: number): number | undefined {
  let commas = 0;
  for (let i = data.indexOf(','); i !== -1; i = data.indexOf(',', i + 1)) {
    if (++commas >= max) {
      const n = signalingInviteeCount(data);
      return n !== undefined && n > max ? n : undefined;
    }
  }
  return undefined;
}

/**
 * Number of invitees when `data` is a TSignaling envelope (JSON object with `businessID === 1`
 * and an `inviteeList` array); undefined for any other data, which is passed through untouched.
 */
export function signalingInviteeCount(data: string): number | undefined {
  if (!/^\s*\{/.test(data)) return undefined; // only a JSON object can be an envelope
  let v: unknown;
  try {
    v = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (!isObj(v) || v['businessID'] !== 1 || !Array.isArray(v['inviteeList'])) return undefined;
  return v['inviteeList'].length;
}

/** The text of the `ok` answering a `send`: exactly `JSON.stringify({ t: 'ok', id, result })`. */
export function sendOkText(id: number, result: OkResults['send']): string {
  return (
    `{"t":"ok","id":${id},"result":{"messageID":${JSON.stringify(result.messageID)},` +
    `"time":${result.time}${result.seq === undefined ? '' : `,"seq":${result.seq}`}` +
    `${result.offline ? ',"offline":true' : ''}}}`
  );
}
