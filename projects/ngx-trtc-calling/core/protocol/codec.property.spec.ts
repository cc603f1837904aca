import fc from 'fast-check';

import { decodeSignal, type DecodeResult, encodeSignal, type SignalDecodeErrorCode } from './codec';
import type { CallType, InviteContent, Signal, SignalEnvelopeFields } from './signal';

const ERROR_CODES: readonly SignalDecodeErrorCode[] = [
  'tooLarge',
  'notJson',
  'notObject',
  'notSignaling',
  'badEnvelope',
  'unknownAction',
  'badPayload',
];

const plain = { noNullPrototype: true } as const;

// ---- arbitraries of well-formed signals --------------------------------------------------------

/** IDs: printable, any code point (lone surrogates included), and names that are traps for object access. */
const idArb: fc.Arbitrary<string> = fc
  .oneof(
    fc.string({ minLength: 1, maxLength: 20 }),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }),
    fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', '"', '\\', '\u0000', '\u2028'),
  )
  .filter((id) => id.length <= 128);
const idListArb = fc.array(idArb, { maxLength: 4 });
/** Finite numbers >= 0, without -0 (JSON writes it as 0, so it cannot survive a round trip). */
const nonNegativeArb = fc
  .oneof(fc.constant(0), fc.nat(), fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }))
  .filter((n) => !Object.is(n, -0));
const callTypeArb = fc.constantFrom<CallType>(0, 1, 2);
const roomArb = fc.oneof(fc.integer({ min: 1, max: 100_000_000 }), fc.constant(0), fc.maxSafeNat());

const envelopeArb: fc.Arbitrary<SignalEnvelopeFields> = fc.record(
  {
    inviteID: idArb,
    inviter: idArb,
    inviteeList: idListArb,
    groupID: fc.oneof(fc.constant(''), idArb),
    timeout: nonNegativeArb,
  },
  plain,
);

const contentArb: fc.Arbitrary<InviteContent> = fc.oneof(
  fc.record(
    {
      kind: fc.constant('call' as const),
      callType: fc.constantFrom<1 | 2>(1, 2),
      roomID: roomArb,
      userIDs: idListArb,
    },
    { ...plain, requiredKeys: ['kind', 'callType', 'roomID'] },
  ),
  fc.record(
    {
      kind: fc.constant('switch' as const),
      to: fc.constantFrom<'audio' | 'video'>('audio', 'video'),
      callType: callTypeArb,
      roomID: roomArb,
    },
    plain,
  ),
  fc.record({ kind: fc.constant('hangup' as const), callType: callTypeArb, callEnd: nonNegativeArb }, plain),
);

/**
 * Makes an invite's envelope and content a combination that means itself (§3.3): switch
 * requests are 1:1 only, and a group invite for room 0 would read as a hang-up notice.
 */
function wellFormed(
  envelope: SignalEnvelopeFields,
  content: InviteContent,
): { envelope: SignalEnvelopeFields; content: InviteContent } {
  if (content.kind === 'hangup') return { envelope, content };
  const fixed = content.kind === 'switch' ? { ...envelope, groupID: '' } : envelope;
  const isGroup =
    fixed.groupID !== '' ||
    fixed.inviteeList.length >= 2 ||
    (content.kind === 'call' && (content.userIDs?.length ?? 0) >= 2);
  return { envelope: fixed, content: isGroup && content.roomID === 0 ? { ...content, roomID: 1 } : content };
}

const signalArb: fc.Arbitrary<Signal> = fc.oneof(
  fc.tuple(envelopeArb, contentArb, fc.boolean()).map(([e, c, onlineUserOnly]): Signal => {
    const { envelope, content } = wellFormed(e, c);
    return { action: 'invite', ...envelope, content, onlineUserOnly };
  }),
  fc
    .tuple(envelopeArb, callTypeArb)
    .map(([envelope, callType]): Signal => ({ action: 'cancel', ...envelope, callType })),
  fc
    .tuple(
      envelopeArb,
      callTypeArb,
      fc.option(fc.constantFrom<'audio' | 'video'>('audio', 'video'), { nil: undefined }),
    )
    .map(([envelope, callType, switchTo]): Signal =>
      switchTo === undefined
        ? { action: 'accept', ...envelope, callType }
        : { action: 'accept', ...envelope, callType, switchTo },
    ),
  fc
    .tuple(envelopeArb, callTypeArb, fc.boolean())
    .map(([envelope, callType, busy]): Signal => ({ action: 'reject', ...envelope, callType, busy })),
  fc.tuple(envelopeArb, contentArb).map(([e, c]): Signal => {
    const { envelope, content } = wellFormed(e, c);
    return { action: 'timeout', ...envelope, content };
  }),
);

// ---- helpers -----------------------------------------------------------------------------------

/**
 * The contract for any input: no throw, a known error code, and when a signal comes out, it is
 * canonical — encoding it and decoding again gives the same result.
 */
function expectWellBehaved(input: unknown): DecodeResult {
  const result = decodeSignal(input as string);
  if (result.ok) {
    expect(decodeSignal(encodeSignal(result.signal))).toStrictEqual(result);
  } else {
    expect(ERROR_CODES).toContain(result.error.code);
    expect(typeof result.error.message).toBe('string');
  }
  return result;
}

type Level = 'envelope' | 'payload' | 'payloadData';
const MEMBERS: ReadonlyArray<readonly [Level, string]> = [
  ...[
    'businessID',
    'inviteID',
    'inviter',
    'actionType',
    'inviteeList',
    'data',
    'timeout',
    'groupID',
    'onlineUserOnly',
    '__proto__',
  ].map((k) => ['envelope', k] as const),
  ...[
    'extraInfo',
    'version',
    'call_type',
    'room_id',
    'call_end',
    'line_busy',
    'switch_to_audio_call',
    'businessID',
    'platform',
    'data',
    '__proto__',
  ].map((k) => ['payload', k] as const),
  ...['cmd', 'room_id', 'message', 'userIDs', '__proto__'].map((k) => ['payloadData', k] as const),
];

/** Values a member may be replaced with: any JSON, plus the values the decoder gives meaning to. */
const replacementArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom(
    undefined, // deletes the member
    0,
    1,
    2,
    5,
    6,
    -1,
    '',
    'hangup',
    'switchToAudio',
    'switchToVideo',
    'switch_to_audio_call',
    'line_busy',
    'lineBusy',
    ['a', 'b'],
    [],
    {},
    1e308,
  ),
);

type Json = Record<string, unknown>;

function setMember(object: Json, key: string, value: unknown): void {
  // defineProperty, not assignment: `object.__proto__ = x` would change the prototype instead.
  if (value === undefined) delete object[key];
  else Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

/** The envelope text of `signal` with one member, at one nesting level, replaced or deleted. */
function mutate(signal: Signal, [level, key]: readonly [Level, string], value: unknown): string {
  const envelope = JSON.parse(encodeSignal(signal)) as Json;
  if (level === 'envelope') {
    setMember(envelope, key, value);
  } else {
    const payload = JSON.parse(envelope['data'] as string) as Json;
    if (level === 'payload') setMember(payload, key, value);
    else setMember(payload['data'] as Json, key, value);
    envelope['data'] = JSON.stringify(payload);
  }
  return JSON.stringify(envelope);
}

// ---- properties --------------------------------------------------------------------------------

describe('codec properties', () => {
  it('round-trips every well-formed signal', () => {
    fc.assert(
      fc.property(signalArb, (signal) => {
        expect(decodeSignal(encodeSignal(signal))).toStrictEqual({ ok: true, signal });
      }),
      { numRuns: 2000 },
    );
  });

  it('encodes to the envelope key order of §2.2', () => {
    fc.assert(
      fc.property(signalArb, (signal) => {
        const keys = Object.keys(JSON.parse(encodeSignal(signal)));
        const common = [
          'businessID',
          'inviteID',
          'inviter',
          'actionType',
          'inviteeList',
          'data',
          'timeout',
          'groupID',
        ];
        expect(keys).toEqual(signal.action === 'invite' ? [...common, 'onlineUserOnly'] : common);
      }),
    );
  });

  it('never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' })), (text) => {
        expectWellBehaved(text);
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        expectWellBehaved(text);
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws on JSON.stringify of anything (including undefined, i.e. a non-string)', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        expectWellBehaved(JSON.stringify(value));
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws on objects shaped like envelopes with arbitrary member values', () => {
    const member = fc.oneof(fc.jsonValue(), replacementArb);
    const envelope = fc.record(
      {
        businessID: fc.oneof(fc.constant(1), member),
        inviteID: member,
        inviter: member,
        actionType: member,
        inviteeList: member,
        data: fc.oneof(fc.json(), member),
        timeout: member,
        groupID: member,
        onlineUserOnly: member,
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(envelope, (value) => {
        expectWellBehaved(JSON.stringify(value));
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws on valid envelopes with one member replaced, and decodes them canonically', () => {
    fc.assert(
      fc.property(signalArb, fc.constantFrom(...MEMBERS), replacementArb, (signal, member, value) => {
        expectWellBehaved(mutate(signal, member, value));
      }),
      { numRuns: 3000 },
    );
  });

  it('reports a changed businessID as notSignaling and a changed actionType as unknownAction', () => {
    fc.assert(
      fc.property(
        signalArb,
        fc.jsonValue().filter((v) => v !== 1),
        fc.jsonValue().filter((v) => ![1, 2, 3, 4, 5].includes(v as number)),
        (signal, businessID, actionType) => {
          const notSignaling = decodeSignal(mutate(signal, ['envelope', 'businessID'], businessID));
          expect(notSignaling).toMatchObject({ ok: false, error: { code: 'notSignaling' } });
          const unknownAction = decodeSignal(mutate(signal, ['envelope', 'actionType'], actionType));
          expect(unknownAction).toMatchObject({
            ok: false,
            error: { code: 'unknownAction', field: 'actionType' },
          });
        },
      ),
    );
  });
});
