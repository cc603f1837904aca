/** One Janus instance the server places rooms on. */
export interface JanusInstanceConfig {
  /** The Janus WebSocket API URL (handed to the clients as well). */
  readonly url: string;
  /** Name in logs, metrics and `WireSfu.instance` (default: host:port). */
  readonly name: string;
  /** Rooms it takes at most; placement fills instances in proportion to it (default 100). */
  readonly capacity: number;
}

export const DEFAULT_JANUS_CAPACITY = 100;

const SPEC = /^(wss?:\/\/[^\s#@,]+)(?:#([A-Za-z0-9_.:-]{1,64}))?(?:@([1-9]\d{0,6}))?$/;

/**
 * Parses `--janus` entries: `ws://host:port[/path][#name][@capacity]`. Throws a message for the
 * first bad one (the caller wraps it in `ConfigError`).
 */
export function parseJanusInstances(specs: readonly string[]): JanusInstanceConfig[] {
  const out: JanusInstanceConfig[] = [];
  for (const spec of specs) {
    const m = SPEC.exec(spec);
    const url = m?.[1];
    if (!m || !url)
      throw new Error(`janus instance ${JSON.stringify(spec)}: expected ws[s]://host:port[#name][@capacity]`);
    const name = m[2] ?? new URL(url).host;
    if (out.some((i) => i.name === name)) throw new Error(`janus instance name ${name} is used twice`);
    out.push({ url, name, capacity: m[3] ? Number(m[3]) : DEFAULT_JANUS_CAPACITY });
  }
  return out;
}

/** What is wrong with the Janus part of a configuration, if anything. */
export function janusConfigProblem(c: { janusUrls?: readonly string[] }): string | undefined {
  try {
    parseJanusInstances(c.janusUrls ?? []);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * Most peers in one room: with Janus configured a room past the mesh size moves there, so the
 * SFU's cap applies (the mesh part is bounded by the threshold); without it, the mesh's.
 */
export function roomCapacity(c: {
  janusUrls?: readonly string[];
  maxPeersPerRoom: number;
  maxPeersPerSfuRoom: number;
}): number {
  return c.janusUrls?.length ? c.maxPeersPerSfuRoom : c.maxPeersPerRoom;
}
