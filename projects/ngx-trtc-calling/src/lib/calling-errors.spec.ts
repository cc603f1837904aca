import { TestBed } from '@angular/core/testing';
import {
  CALLING_ERROR_CODE,
  callingErrorReason,
  ERROR_CODE_RANGES,
  type CallingErrorReason,
  type ErrorLayer,
} from 'ngx-trtc-calling/core';
import { TENCENT_ERROR, TencentError } from 'ngx-trtc-calling/tencent';
import { VirtualErrorCode } from 'ngx-trtc-calling/testing';
import { CallingTestingController, provideCallingTesting } from 'ngx-trtc-calling/testing/angular';
import { CallingTransportError, CLIENT_ERROR, MEDIA_ERROR } from 'ngx-trtc-calling/webrtc';
import { WIRE_ERROR } from 'ngx-trtc-calling/wire';
import { CallingService } from './calling-service';

type Placement = ErrorLayer | 'sdk';

/** Every error table of the library, and where its codes may lie. */
const TABLES: readonly {
  readonly name: string;
  readonly codes: Readonly<Record<string, number>>;
  readonly placements: readonly Placement[];
}[] = [
  { name: 'CALLING_ERROR_CODE', codes: CALLING_ERROR_CODE, placements: ['reference', 'core'] },
  // TENCENT_ERROR also names a few TRTC codes (and the reference's UNKNOWN) that pass through.
  { name: 'TENCENT_ERROR', codes: TENCENT_ERROR, placements: ['reference', 'tencent', 'sdk'] },
  { name: 'CLIENT_ERROR', codes: CLIENT_ERROR, placements: ['webrtc'] },
  // MEDIA_ERROR.ROOM_FULL is the server's ROOM_FULL, raised by the client for the same reason.
  { name: 'MEDIA_ERROR', codes: MEDIA_ERROR, placements: ['reference', 'webrtc', 'wire'] },
  { name: 'WIRE_ERROR', codes: WIRE_ERROR, placements: ['wire'] },
  // The virtual network borrows TIM's codes and the server's ROOM_FULL, and has its own above 90000.
  { name: 'VirtualErrorCode', codes: VirtualErrorCode, placements: ['reference', 'sdk', 'wire'] },
];

/** Codes more than one table holds, on purpose and with one meaning. */
// The virtual network raises the server's codes for the same failures (a full room, a call that is over).
const SHARED = new Set<number>([WIRE_ERROR.ROOM_FULL, WIRE_ERROR.ROOM_CALL_ENDED]);

function placementOf(code: number): Placement {
  const layers = Object.keys(ERROR_CODE_RANGES) as ErrorLayer[];
  return (
    layers.find((layer) => code >= ERROR_CODE_RANGES[layer][0] && code <= ERROR_CODE_RANGES[layer][1]) ??
    'sdk'
  );
}

describe('one error family', () => {
  it('gives each layer a range of its own', () => {
    const ranges = Object.entries(ERROR_CODE_RANGES)
      .map(([layer, [first, last]]) => ({ layer, first, last }))
      .sort((a, b) => a.first - b.first);
    expect(ranges.filter(({ first, last }) => first > last)).toEqual([]);
    const overlaps = ranges.flatMap((range, i) => {
      const next = ranges[i + 1];
      return next && range.last >= next.first ? [`${range.layer} overlaps ${next.layer}`] : [];
    });
    expect(overlaps).toEqual([]);
  });

  it("keeps every table's codes in its layer's range", () => {
    const misplaced = TABLES.flatMap(({ name, codes, placements }) =>
      Object.entries(codes)
        .filter(([, code]) => !placements.includes(placementOf(code)))
        .map(([key, code]) => `${name}.${key} = ${code} lies in ${placementOf(code)}`),
    );
    expect(misplaced).toEqual([]);
  });

  it('lets no two tables claim one code, but for the reference codes and the shared ROOM_FULL and ROOM_CALL_ENDED', () => {
    const owners = new Map<number, string[]>();
    for (const { name, codes } of TABLES) {
      for (const [key, code] of Object.entries(codes))
        owners.set(code, [...(owners.get(code) ?? []), `${name}.${key}`]);
    }
    const collisions = [...owners]
      .filter(([code, names]) => names.length > 1 && placementOf(code) !== 'reference' && !SHARED.has(code))
      .map(([code, names]) => `${code}: ${names.join(', ')}`);
    expect(collisions).toEqual([]);
  });

  // A new code in any of these tables needs its line in core/errors.ts' table of reasons.
  it('has a reason for every code the library raises', () => {
    const unexplained = TABLES.filter(({ name }) => name !== 'VirtualErrorCode').flatMap(({ name, codes }) =>
      Object.entries(codes)
        .filter(
          ([, code]) =>
            code !== CALLING_ERROR_CODE.MEDIA_FAILED && callingErrorReason(code) === 'mediaFailed',
        )
        .map(([key, code]) => `${name}.${key} (${code}) has no reason in core/errors.ts`),
    );
    expect(unexplained).toEqual([]);
  });
});

describe("each adapter's errors surface with their own reason", () => {
  const cases: readonly [string, number, CallingErrorReason][] = [
    ['Tencent: a join abandoned by leave', TENCENT_ERROR.JOIN_ABORTED, 'joinAborted'],
    ['Tencent: used after destroy', TENCENT_ERROR.DESTROYED, 'destroyed'],
    ['Tencent: outside a room', TENCENT_ERROR.NOT_IN_ROOM, 'notInRoom'],
    ['Tencent: TIM answered nonsense', TENCENT_ERROR.UNEXPECTED_SDK_RESULT, 'sdkFailed'],
    ['Tencent: TRTC blocked autoplay', TENCENT_ERROR.PLAY_NOT_ALLOWED, 'autoplayBlocked'],
    ['Tencent: no camera (the reference code)', TENCENT_ERROR.NO_CAMERA, 'noCamera'],
    ['webrtc: the mesh is full', MEDIA_ERROR.ROOM_FULL, 'roomFull'],
    ['webrtc: a peer connection failed', MEDIA_ERROR.CONNECTION_FAILED, 'connectionFailed'],
    ['webrtc: no ICE candidate (no TURN allocation)', MEDIA_ERROR.TURN_FAILED, 'connectionFailed'],
    ['webrtc: a join abandoned by leave', MEDIA_ERROR.JOIN_ABORTED, 'joinAborted'],
    ['webrtc: the socket closed mid-request', CLIENT_ERROR.CONNECTION_LOST, 'connectionLost'],
    ['server: rate limited', WIRE_ERROR.RATE_LIMITED, 'rateLimited'],
    ['server: too many rooms', WIRE_ERROR.TOO_MANY_ROOMS, 'serverRefused'],
    ['an SDK code of its own', 0x4003, 'mediaFailed'],
  ];

  it.each(cases)('%s (%i) → lastError.reason %s', async (_, code, reason) => {
    TestBed.configureTestingModule({ providers: [provideCallingTesting()] });
    const calling = TestBed.inject(CallingService);
    const controller = TestBed.inject(CallingTestingController);
    await controller.createPeer('bob');
    await controller.flush(calling.login({ userID: 'alice', userSig: 'sig-alice' }));
    // Dialing, alice is in the room already (as the reference does): her engine can fail.
    await controller.flush(calling.call({ userID: 'bob', type: 1 }));

    expect(controller.network.failMedia('alice', code, 'adapter failure')).toBe(1);
    await controller.flush();

    expect(calling.lastError()).toEqual(expect.objectContaining({ code, reason }));
  });

  const rejections: readonly [string, CallingErrorReason, Error & { readonly code: number }][] = [
    ['a TencentError', 'joinAborted', new TencentError(TENCENT_ERROR.JOIN_ABORTED, 'join abandoned')],
    ['a CallingTransportError', 'roomFull', new CallingTransportError(MEDIA_ERROR.ROOM_FULL, 'room full')],
  ];

  it.each(rejections)(
    'an adapter that rejects join with %s: accept() rejects with reason %s',
    async (_, reason, error) => {
      TestBed.configureTestingModule({ providers: [provideCallingTesting()] });
      const calling = TestBed.inject(CallingService);
      const controller = TestBed.inject(CallingTestingController);
      const bob = await controller.createPeer('bob');
      await controller.flush(calling.login({ userID: 'alice', userSig: 'sig-alice' }));
      jest.spyOn(controller.media!, 'join').mockRejectedValue(error);
      await controller.flush(bob.call({ userID: 'alice', type: 1 }));

      const failure = await controller.flush(calling.accept()).catch((e: unknown) => e);

      const code = (error as { code: number }).code;
      expect(failure).toEqual(expect.objectContaining({ code, reason, cause: error }));
      expect(calling.lastError()).toEqual(expect.objectContaining({ code, reason }));
    },
  );
});
