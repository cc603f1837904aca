import type TIMType from 'tim-js-sdk';
import { decodeSignals, type Inbound } from 'ngx-trtc-calling/core';
import { inviteFrom, messageOf } from 'ngx-trtc-calling/testing';
import { of } from 'rxjs';
import {
  expectNothingEscaped,
  installNoNetwork,
  type NoNetworkGuard,
} from './testing-doubles/no-network.test-util';
import type { TimMessage } from './tim-like';
import { fromTimMessage, TIM_MESSAGE_TYPES } from './tim-message';

let guard: NoNetworkGuard;
let TIM: typeof TIMType;

beforeAll(async () => {
  guard = installNoNetwork();
  TIM = ((await import('tim-js-sdk')) as unknown as { default: typeof TIMType }).default;
});

afterAll(() => {
  expectNothingEscaped(guard);
  guard.uninstall({ keepBrowserStubs: true });
});

describe('fromTimMessage', () => {
  const invite = inviteFrom('alice', { to: 'bob', inviteID: 'invite-x' });
  const data = messageOf(invite).data;
  const timMessage = (overrides: Partial<TimMessage> = {}): TimMessage => ({
    ID: 'tim-1',
    type: 'TIMCustomElem',
    payload: { data, description: '', extension: '' },
    conversationType: 'C2C',
    to: 'bob',
    from: 'alice',
    time: 1_700_000_000,
    ...overrides,
  });

  it('defaults to the real SDK constants', () => {
    expect(TIM_MESSAGE_TYPES).toEqual({
      MSG_CUSTOM: TIM.TYPES.MSG_CUSTOM,
      CONV_C2C: TIM.TYPES.CONV_C2C,
      CONV_GROUP: TIM.TYPES.CONV_GROUP,
    });
  });

  it('maps a C2C custom message to what decodeSignals reads (time in ms)', () => {
    const incoming = fromTimMessage(timMessage(), TIM.TYPES);
    expect(incoming).toEqual({
      id: 'tim-1',
      from: 'alice',
      conversationType: 'C2C',
      data,
      time: 1_700_000_000_000,
    });
    const out: Inbound[] = [];
    of(incoming!)
      .pipe(decodeSignals())
      .subscribe((i) => out.push(i));
    expect(out.map((i) => i.signal)).toEqual([invite]);
  });

  it('maps a group message with its groupID', () => {
    const incoming = fromTimMessage(timMessage({ conversationType: 'GROUP', to: 'group-1' }));
    expect(incoming).toMatchObject({ conversationType: 'GROUP', groupID: 'group-1' });
  });

  it('leaves out what cannot carry a signal', () => {
    expect(fromTimMessage(timMessage({ type: 'TIMTextElem' }))).toBeUndefined();
    expect(fromTimMessage(timMessage({ payload: { text: 'hi' } }))).toBeUndefined();
    expect(fromTimMessage(timMessage({ conversationType: '@TIM#SYSTEM' }))).toBeUndefined();
  });
});
