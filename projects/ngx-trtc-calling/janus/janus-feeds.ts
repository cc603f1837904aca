/** A stream of a VideoRoom publisher, as the plugin lists it. */
export interface FeedStream {
  readonly type: string;
  readonly mid: string;
  readonly disabled?: boolean;
  readonly description?: string;
}

/** A VideoRoom publisher (a feed): its ID, its `display` (our userID) and its streams. */
export interface Feed {
  readonly id: number;
  readonly display: string;
  readonly streams: readonly FeedStream[];
}

/** A stream of the multi-stream subscription, as the plugin lists it in `attached`/`updated`. */
export interface SubscribedStream {
  readonly mid: string;
  readonly type: string;
  readonly feed_id?: number;
  readonly feed_display?: string;
  readonly active?: boolean;
}

/** The description a published stream carries while it is sent (`off`: muted, camera off, or no video). */
export const SENDING = 'on';
export const NOT_SENDING = 'off';

/** The feeds in a plugin event (`publishers` of `joined` and of later events); malformed entries dropped. */
export function feedsOf(data: Readonly<Record<string, unknown>>): Feed[] {
  const list = data['publishers'];
  if (!Array.isArray(list)) return [];
  return list.flatMap((entry: unknown): Feed[] => {
    const p = entry as { id?: unknown; display?: unknown; streams?: unknown };
    if (typeof p.id !== 'number' || typeof p.display !== 'string') return [];
    const streams = Array.isArray(p.streams) ? (p.streams as FeedStream[]) : [];
    return [{ id: p.id, display: p.display, streams: streams.filter((s) => typeof s.mid === 'string') }];
  });
}

/** What a feed sends: a stream of the kind, enabled, and not described as not sent. */
export function feedMedia(feed: Feed): { audio: boolean; video: boolean } {
  const sends = (type: string) =>
    feed.streams.some((s) => s.type === type && s.disabled !== true && s.description !== NOT_SENDING);
  return { audio: sends('audio'), video: sends('video') };
}

/** The streams of a subscription event (`attached`, `updated`). */
export function subscribedStreams(data: Readonly<Record<string, unknown>>): SubscribedStream[] | undefined {
  const list = data['streams'];
  if (!Array.isArray(list)) return undefined;
  return (list as SubscribedStream[]).filter((s) => typeof s.mid === 'string');
}

/** The feed a `leaving`/`unpublished` event names (Janus says `ok` when it is ourselves). */
export function departedFeed(data: Readonly<Record<string, unknown>>): number | undefined {
  const id = data['leaving'] ?? data['unpublished'];
  return typeof id === 'number' ? id : undefined;
}
