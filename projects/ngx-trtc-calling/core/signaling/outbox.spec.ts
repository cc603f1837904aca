import { NEVER, type Observable } from 'rxjs';
import { encodeSignal } from '../protocol/codec';
import { buildOfflinePushInfo, DEFAULT_OFFLINE_PUSH_DESCRIPTION } from '../protocol/offline-push';
import type { Signal } from '../protocol/signal';
import {
  accept,
  ALICE,
  BOB,
  CAROL,
  cancel,
  GROUP,
  hangupNotice,
  ID,
  invite,
  reject,
  switchRequest,
  timeout,
} from './fixtures.test-util';
import { defaultRoute, type Route, sendSignal } from './outbox';
import {
  type IncomingMessage,
  type OutgoingMessage,
  type SentMessage,
  SignalingChannel,
  type SignalingState,
} from './signaling-channel';

/** A channel that records what is sent and answers with what the test tells it to. */
class RecordingChannel extends SignalingChannel {
  readonly messages$: Observable<IncomingMessage> = NEVER;
  readonly state$: Observable<SignalingState> = NEVER;
  readonly sent: OutgoingMessage[] = [];
  reply: (message: OutgoingMessage) => Promise<SentMessage> = () =>
    Promise.resolve({ id: 'sent-1', time: 42 });

  login(): Promise<void> {
    return Promise.resolve();
  }
  logout(): Promise<void> {
    return Promise.resolve();
  }
  send(message: OutgoingMessage): Promise<SentMessage> {
    this.sent.push(message);
    return this.reply(message);
  }
  history(): Promise<readonly IncomingMessage[]> {
    return Promise.resolve([]);
  }
  destroy(): void {
    /* nothing held */
  }
}

describe('defaultRoute (PROTOCOL.md §2.4)', () => {
  const c2c = (to: string): Route => ({ to, conversationType: 'C2C' });
  const group: Route = { to: GROUP, conversationType: 'GROUP' };

  describe('C2C invitations', () => {
    it('sends an INVITE to the invitee', () => {
      expect(defaultRoute(invite({ inviteID: ID.call, inviter: ALICE, invitees: [BOB] }), ALICE)).toEqual(
        c2c(BOB),
      );
    });

    it('sends hang-up notices and switch requests (INVITEs on the wire) to their invitee', () => {
      expect(
        defaultRoute(hangupNotice({ inviteID: ID.hangup, inviter: BOB, invitees: [ALICE] }), BOB),
      ).toEqual(c2c(ALICE));
      expect(
        defaultRoute(
          switchRequest({ inviteID: ID.switch, inviter: BOB, invitees: [ALICE], to: 'audio' }),
          BOB,
        ),
      ).toEqual(c2c(ALICE));
    });

    it('sends a CANCEL to the first invitee it lists', () => {
      expect(
        defaultRoute(cancel({ inviteID: ID.call, inviter: ALICE, invitees: [BOB, CAROL] }), ALICE),
      ).toEqual(c2c(BOB));
    });

    it('sends an ACCEPT or a REJECT to the inviter', () => {
      expect(defaultRoute(accept({ inviteID: ID.call, inviter: ALICE, invitee: BOB }), BOB)).toEqual(
        c2c(ALICE),
      );
      expect(defaultRoute(reject({ inviteID: ID.call, inviter: ALICE, invitee: BOB }), BOB)).toEqual(
        c2c(ALICE),
      );
      expect(
        defaultRoute(reject({ inviteID: ID.call, inviter: ALICE, invitee: BOB, busy: true }), BOB),
      ).toEqual(c2c(ALICE));
    });

    it("sends the inviter's own TIMEOUT to the invitee and an invitee's TIMEOUT to the inviter", () => {
      const timedOut = timeout({ inviteID: ID.call, inviter: ALICE, invitees: [BOB] });
      expect(defaultRoute(timedOut, ALICE)).toEqual(c2c(BOB));
      expect(defaultRoute(timedOut, BOB)).toEqual(c2c(ALICE));
    });

    it('addresses nobody when an invitee is needed and the list is empty', () => {
      expect(defaultRoute(cancel({ inviteID: ID.call, inviter: ALICE, invitees: [] }), ALICE)).toEqual(
        c2c(''),
      );
    });
  });

  describe('group invitations', () => {
    it('sends every action to the group when the invitation has a groupID', () => {
      const signals: [Signal, string][] = [
        [invite({ inviteID: ID.call, inviter: ALICE, invitees: [BOB, CAROL], groupID: GROUP }), ALICE],
        [cancel({ inviteID: ID.call, inviter: ALICE, invitees: [BOB, CAROL], groupID: GROUP }), ALICE],
        [accept({ inviteID: ID.call, inviter: ALICE, invitee: BOB, groupID: GROUP }), BOB],
        [reject({ inviteID: ID.call, inviter: ALICE, invitee: CAROL, groupID: GROUP }), CAROL],
        [timeout({ inviteID: ID.call, inviter: ALICE, invitees: [BOB], groupID: GROUP }), ALICE],
        [timeout({ inviteID: ID.call, inviter: ALICE, invitees: [CAROL], groupID: GROUP }), CAROL],
        [hangupNotice({ inviteID: ID.hangup, inviter: BOB, invitees: [ALICE], groupID: GROUP }), BOB],
      ];
      for (const [signal, self] of signals) expect(defaultRoute(signal, self)).toEqual(group);
    });
  });
});

describe('sendSignal', () => {
  let channel: RecordingChannel;
  const NOW = 1_795_751_407_999;

  beforeEach(() => {
    channel = new RecordingChannel();
  });

  const inviteSignal = invite({ inviteID: ID.call, inviter: ALICE, invitees: [BOB] });
  const toBob: Route = { to: BOB, conversationType: 'C2C' };

  it('sends the encoded signal on the given route and resolves with what the channel resolves', async () => {
    const acceptSignal = accept({ inviteID: ID.call, inviter: ALICE, invitee: BOB });
    const route: Route = { to: ALICE, conversationType: 'C2C' };
    await expect(sendSignal(channel, acceptSignal, route, { now: NOW })).resolves.toEqual({
      id: 'sent-1',
      time: 42,
    });
    expect(channel.sent).toEqual([{ to: ALICE, conversationType: 'C2C', data: encodeSignal(acceptSignal) }]);
  });

  it('sends to the route given, not to a route of its own', async () => {
    const groupRoute: Route = { to: GROUP, conversationType: 'GROUP' };
    await sendSignal(channel, inviteSignal, groupRoute, { now: NOW });
    expect(channel.sent[0]).toMatchObject(groupRoute);
  });

  it('attaches the offline push information to an INVITE, with the send time in whole seconds', async () => {
    const info = {
      title: 'Alice',
      description: 'calls you',
      androidOPPOChannelID: 'calls',
      extension: 'app-data',
    };
    await sendSignal(channel, inviteSignal, toBob, { now: NOW, offlinePushInfo: info });
    expect(channel.sent).toEqual([
      {
        to: BOB,
        conversationType: 'C2C',
        data: encodeSignal(inviteSignal),
        offlinePushInfo: buildOfflinePushInfo(inviteSignal, info, 1_795_751_407),
      },
    ]);
    const extension = JSON.parse(channel.sent[0]!.offlinePushInfo!.extension);
    expect(extension.entity.sendTime).toBe(1_795_751_407);
    expect(extension.userData).toBe('app-data');
  });

  it('attaches the default offline push to an INVITE when the app gave none', async () => {
    await sendSignal(channel, inviteSignal, toBob, { now: NOW });
    expect(channel.sent[0]?.offlinePushInfo).toEqual(
      buildOfflinePushInfo(inviteSignal, undefined, 1_795_751_407),
    );
    expect(channel.sent[0]?.offlinePushInfo?.description).toBe(DEFAULT_OFFLINE_PUSH_DESCRIPTION);
  });

  it('attaches offline push to hang-up notices and switch requests, which are INVITEs too', async () => {
    const notice = hangupNotice({ inviteID: ID.hangup, inviter: BOB, invitees: [ALICE] });
    const request = switchRequest({ inviteID: ID.switch, inviter: BOB, invitees: [ALICE], to: 'video' });
    await sendSignal(channel, notice, toBob, { now: NOW });
    await sendSignal(channel, request, toBob, { now: NOW });
    expect(channel.sent.map((m) => m.offlinePushInfo)).toEqual([
      buildOfflinePushInfo(notice, undefined, 1_795_751_407),
      buildOfflinePushInfo(request, undefined, 1_795_751_407),
    ]);
  });

  it('attaches no offline push to any other action, even when the app gave one', async () => {
    const info = { title: 'ignored' };
    const others: Signal[] = [
      cancel({ inviteID: ID.call, inviter: ALICE, invitees: [BOB] }),
      accept({ inviteID: ID.call, inviter: ALICE, invitee: BOB }),
      reject({ inviteID: ID.call, inviter: ALICE, invitee: BOB, busy: true }),
      timeout({ inviteID: ID.call, inviter: ALICE, invitees: [BOB] }),
    ];
    for (const signal of others)
      await sendSignal(channel, signal, toBob, { now: NOW, offlinePushInfo: info });
    expect(channel.sent).toHaveLength(others.length);
    for (const sent of channel.sent)
      expect(Object.keys(sent).sort()).toEqual(['conversationType', 'data', 'to']);
  });

  it('turns an encoding exception into a rejection without calling the channel', async () => {
    const notASignal = { ...inviteSignal, action: 'hangup' } as unknown as Signal;
    let result: Promise<SentMessage> | undefined;
    expect(() => {
      result = sendSignal(channel, notASignal, toBob, { now: NOW });
    }).not.toThrow();
    await expect(result).rejects.toThrow(TypeError);
    expect(channel.sent).toEqual([]);
  });

  it('turns a serialisation failure (a value JSON cannot write) into a rejection', async () => {
    const unserialisable = { ...inviteSignal, inviteeList: [BOB, 10n] } as unknown as Signal;
    let result: Promise<SentMessage> | undefined;
    expect(() => {
      result = sendSignal(channel, unserialisable, toBob, { now: NOW });
    }).not.toThrow();
    await expect(result).rejects.toThrow(TypeError);
    expect(channel.sent).toEqual([]);
  });

  it('passes a rejection of the channel through', async () => {
    const failure = Object.assign(new Error('network down'), { code: 2800 });
    channel.reply = () => Promise.reject(failure);
    await expect(sendSignal(channel, inviteSignal, toBob, { now: NOW })).rejects.toBe(failure);
  });

  it('turns a channel that throws synchronously (against its contract) into a rejection', async () => {
    const failure = new Error('thrown by send');
    channel.reply = () => {
      throw failure;
    };
    let result: Promise<SentMessage> | undefined;
    expect(() => {
      result = sendSignal(channel, inviteSignal, toBob, { now: NOW });
    }).not.toThrow();
    await expect(result).rejects.toBe(failure);
  });
});
