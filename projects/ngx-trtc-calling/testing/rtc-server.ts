import type { SchedulerLike } from 'rxjs';
import type { MediaStats, NetworkQuality } from 'ngx-trtc-calling/core';
import type { VirtualMediaEngine } from './virtual-media-engine';
import type { VirtualTrack } from './virtual-media-options';

/**
 * The in-memory RTC side of `VirtualNetwork`: engines, rooms and the virtual tracks they
 * hold. Internal to the testing entry point.
 */
export class RtcServer {
  /** Every engine created and not destroyed. */
  readonly engines = new Set<VirtualMediaEngine>();

  /** `VirtualNetwork.setQuality`: each user's network quality, as every engine reports it. */
  readonly qualities = new Map<string, NetworkQuality>();
  /** `VirtualNetwork.setStats`: each user's media statistics, as every engine reports them. */
  readonly stats = new Map<string, MediaStats>();

  private readonly roomMap = new Map<number, Map<string, VirtualMediaEngine>>();
  private readonly tracks = new Set<VirtualTrack>();
  private trackSeq = 0;

  constructor(
    readonly scheduler: SchedulerLike,
    readonly latency: number,
    /** Users one room holds at most (`VirtualNetworkOptions.maxParticipants`). */
    readonly capacity: number = Number.POSITIVE_INFINITY,
  ) {}

  acquire(kind: VirtualTrack['kind'], deviceID: string): VirtualTrack {
    const track: VirtualTrack = Object.freeze({ id: `virtual-track-${++this.trackSeq}`, kind, deviceID });
    this.tracks.add(track);
    return track;
  }

  release(track: VirtualTrack | undefined): undefined {
    if (track) this.tracks.delete(track);
    return undefined;
  }

  liveTracks(): number {
    return this.tracks.size;
  }

  /** Whether `userID` may enter `roomID`: the room has a free place, or holds that user already. */
  hasPlace(roomID: number, userID: string): boolean {
    const room = this.roomMap.get(roomID);
    return !room || room.has(userID) || room.size < this.capacity;
  }

  /**
   * Puts `engine` in `roomID` as `userID` and returns the members already there. An engine
   * already in the room as the same user is dropped first (TRTC lets one userID in once).
   */
  enter(engine: VirtualMediaEngine, roomID: number, userID: string): VirtualMediaEngine[] {
    const previous = this.roomMap.get(roomID)?.get(userID);
    if (previous && previous !== engine) previous._supersede();
    let room = this.roomMap.get(roomID);
    if (!room) this.roomMap.set(roomID, (room = new Map()));
    const others = [...room.values()];
    room.set(userID, engine);
    return others;
  }

  /** Takes `engine` out of `roomID` and returns the members left. */
  exit(engine: VirtualMediaEngine, roomID: number, userID: string): VirtualMediaEngine[] {
    const room = this.roomMap.get(roomID);
    if (!room || room.get(userID) !== engine) return [];
    room.delete(userID);
    if (room.size === 0) this.roomMap.delete(roomID);
    return [...room.values()];
  }

  members(roomID: number): VirtualMediaEngine[] {
    return [...(this.roomMap.get(roomID)?.values() ?? [])];
  }

  rooms(): Map<number, readonly string[]> {
    return new Map([...this.roomMap].map(([roomID, room]) => [roomID, [...room.keys()]]));
  }

  enginesOf(userID: string): VirtualMediaEngine[] {
    return [...this.engines].filter((engine) => engine.userID === userID);
  }

  destroy(): void {
    for (const engine of [...this.engines]) engine.destroy();
  }
}
