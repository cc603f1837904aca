import { Subject, Subscription, VirtualAction, VirtualTimeScheduler } from 'rxjs';
import type { MediaEvent } from 'ngx-trtc-calling/core';
import type { WireSfu } from 'ngx-trtc-calling/wire';
import { MEDIA_ERROR } from './errors';
import { silentTransportLogger } from './logger';
import type { Session } from './media-session';
import type { MediaViews } from './media-views';
import type { RoomSfuEvent, RoomSignaling } from './room-signaling';
import { SfuHandoff, type SfuEngine, type SfuJoin } from './sfu-handoff';

const track = (kind: 'audio' | 'video', id: string) => ({ kind, id }) as unknown as MediaStreamTrack;
const sfuA: WireSfu = { url: 'ws://a', room: 11, token: 't-a', instance: 'janus-a' };
const sfuB: WireSfu = { url: 'ws://b', room: 12, token: 't-b', instance: 'janus-b' };

class FakeEngine implements SfuEngine {
  readonly joins: SfuJoin[] = [];
  leaves = 0;
  updates = 0;
  peerConnections: readonly RTCPeerConnection[] = [];
  async join(options: SfuJoin): Promise<void> {
    this.joins.push(options);
  }
  async update(): Promise<void> {
    this.updates++;
  }
  async leave(): Promise<void> {
    this.leaves++;
  }
  get current(): SfuJoin {
    return this.joins[this.joins.length - 1]!;
  }
}

function setup(options: { loader?: boolean } = {}) {
  const scheduler = new VirtualTimeScheduler(VirtualAction, Number.POSITIVE_INFINITY);
  const engine = new FakeEngine();
  const events: MediaEvent[] = [];
  const sfu$ = new Subject<RoomSfuEvent>();
  const streams = new Map<string, unknown>();
  const views = {
    setStream: (key: string, stream: unknown) => (stream ? streams.set(key, stream) : streams.delete(key)),
    playAudio: () => undefined,
    removeAudio: () => undefined,
  } as unknown as MediaViews;
  const session = {
    roomID: 5,
    userID: 'alice',
    allowPeer: () => true,
    ready: true,
    buffered: [],
    env: { MediaStream: class {}, RTCPeerConnection: class {} },
    audio: track('audio', 'mic'),
    video: track('video', 'cam'),
    peers: new Map(),
    entered: new Set<string>(),
    announced: new Map(),
    subscriptions: new Subscription(),
    meter: { set: () => undefined, remove: () => undefined },
  } as unknown as Session;
  let meshClosed = 0;
  let current = true;
  const handoff = new SfuHandoff({
    loader: options.loader === false ? undefined : async () => ({ createSfuEngine: () => engine }),
    signaling: { sfu$ } as unknown as RoomSignaling,
    views,
    iceServers: [],
    scheduler,
    logger: silentTransportLogger,
    moveGrace: 20_000,
    emit: (event) => events.push(event),
    isCurrent: () => current,
    local: (s) => ({ audio: s.audio, video: s.video, sending: { audio: true, video: true } }),
    closeMesh: () => meshClosed++,
  });
  return {
    scheduler,
    engine,
    events,
    sfu$,
    streams,
    session,
    handoff,
    meshClosed: () => meshClosed,
    end: () => (current = false),
    /** What the app saw, without volume noise. */
    seen: () =>
      events.map((e) => ('userID' in e ? `${e.type} ${e.userID}` : 'state' in e ? e.state : e.type)),
  };
}

describe('SfuHandoff', () => {
  it('joins the placed room with the session’s user, tracks and token', async () => {
    const { engine, session, handoff } = setup();
    await handoff.place(session, sfuA);
    expect(engine.joins).toHaveLength(1);
    expect(engine.current).toMatchObject({ sfu: sfuA, roomID: 5, userID: 'alice' });
    expect(engine.current.local()).toEqual({
      audio: session.audio,
      video: session.video,
      sending: { audio: true, video: true },
    });
    expect(handoff.isPlaced(session)).toBe(true);
  });

  it('fails the media with SFU_FAILED when no SFU engine is configured', async () => {
    const { events, session, handoff } = setup({ loader: false });
    await handoff.place(session, sfuA);
    expect(events).toEqual([expect.objectContaining({ type: 'failed', code: MEDIA_ERROR.SFU_FAILED })]);
  });

  it('a remote user enters once with its first tracks, its media is announced, and it leaves', async () => {
    const { engine, session, handoff, seen, streams } = setup();
    await handoff.place(session, sfuA);
    const { remote } = engine.current;
    remote.media('bob', { audio: true, video: false });
    remote.tracks('bob', [track('audio', 'b-a')]);
    remote.tracks('bob', [track('audio', 'b-a'), track('video', 'b-v')]);
    remote.media('bob', { audio: true, video: true });
    expect(streams.has('user:bob')).toBe(true);
    remote.left('bob');
    expect(seen()).toEqual([
      'userEntered bob',
      'audioAvailable bob',
      'videoAvailable bob',
      'videoAvailable bob',
      'userLeft bob',
    ]);
    expect(streams.has('user:bob')).toBe(false);
    expect(session.entered.size).toBe(0);
  });

  it('a room.sfu move keeps the users who come back: no userLeft/userEntered, reconnecting then connected', async () => {
    const { engine, session, handoff, seen, sfu$, scheduler, meshClosed } = setup();
    handoff.watch(session);
    // On the mesh, bob and carol are in the call.
    session.entered.add('bob');
    session.entered.add('carol');
    sfu$.next({ roomID: 5, sfu: sfuB });
    sfu$.next({ roomID: 6, sfu: sfuA }); // another room: ignored
    await Promise.resolve();
    await Promise.resolve();
    await Promise.resolve();
    expect(meshClosed()).toBe(1);
    expect(engine.joins.map((j) => j.sfu)).toEqual([sfuB]);
    engine.current.remote.tracks('bob', [track('audio', 'b')]);
    scheduler.flush(); // the grace passes: carol never came back
    expect(seen()).toEqual(['reconnecting', 'connected', 'userLeft carol']);
  });

  it('a lost instance: reconnecting, then the new placement brings everyone back; no placement in time fails', async () => {
    const { engine, session, handoff, seen, scheduler } = setup();
    await handoff.place(session, sfuA);
    engine.current.remote.tracks('bob', [track('audio', 'b')]);
    engine.current.remote.lost('the Janus connection to janus-a closed');
    await handoff.place(session, sfuB);
    expect(engine.leaves).toBe(2); // before each join
    engine.current.remote.tracks('bob', [track('audio', 'b2')]);
    scheduler.flush();
    expect(seen()).toEqual(['userEntered bob', 'reconnecting', 'reconnecting', 'connected']);

    const other = setup();
    await other.handoff.place(other.session, sfuA);
    other.engine.current.remote.lost('gone');
    other.scheduler.flush();
    expect(other.events).toContainEqual(
      expect.objectContaining({ type: 'failed', code: MEDIA_ERROR.SFU_FAILED }),
    );
  });

  it('a lost connection with no new placement joins the same placement again', async () => {
    const { engine, session, handoff, seen, scheduler } = setup();
    await handoff.place(session, sfuA);
    engine.current.remote.tracks('bob', [track('audio', 'b')]);
    engine.current.remote.lost('session expired');
    scheduler.maxFrames = 3000; // the rejoin delay, not the grace
    scheduler.flush();
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect(engine.joins.map((j) => j.sfu)).toEqual([sfuA, sfuA]);
    engine.current.remote.tracks('bob', [track('audio', 'b2')]);
    scheduler.maxFrames = Number.POSITIVE_INFINITY;
    scheduler.flush();
    expect(seen()).toEqual(['userEntered bob', 'reconnecting', 'reconnecting', 'connected']);
  });

  it('the mesh hears nothing of a placed room, and everything of the others', async () => {
    const { session, handoff } = setup();
    const peerEvents$ = new Subject<{ roomID: number }>();
    const signaling = {
      peerEvents$,
      rtc$: new Subject(),
      roomStatus$: new Subject(),
      leaveRoom: jest.fn(async function (this: unknown) {
        return this === signaling ? undefined : Promise.reject(new Error('unbound'));
      }),
    } as unknown as RoomSignaling & { leaveRoom: jest.Mock };
    const mesh = handoff.meshSignaling(signaling);
    const heard: number[] = [];
    mesh.peerEvents$.subscribe((e) => heard.push(e.roomID));
    peerEvents$.next({ roomID: 5 });
    await handoff.place(session, sfuA);
    peerEvents$.next({ roomID: 5 });
    peerEvents$.next({ roomID: 6 });
    handoff.release(session);
    peerEvents$.next({ roomID: 5 });
    expect(heard).toEqual([5, 6, 5]);
    await expect(mesh.leaveRoom(5)).resolves.toBeUndefined();
  });

  it('passes local changes on only while placed, and release leaves without telling anyone', async () => {
    const { engine, session, handoff, seen, scheduler } = setup();
    handoff.changed(session);
    expect(engine.updates).toBe(0);
    await handoff.place(session, sfuA);
    handoff.changed(session);
    expect(engine.updates).toBe(1);
    engine.current.remote.tracks('bob', [track('audio', 'b')]);
    const stale = engine.current.remote;
    stale.lost('gone');
    handoff.release(session);
    expect(engine.leaves).toBe(2);
    stale.tracks('carol', [track('audio', 'c')]);
    scheduler.flush();
    expect(seen()).toEqual(['userEntered bob', 'reconnecting']);
    expect(handoff.isPlaced(session)).toBe(false);
  });
});
