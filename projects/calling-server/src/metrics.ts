/**
 * A minimal Prometheus registry: labelled counters and gauges read at scrape time. Label values
 * come from fixed sets (error names, reasons), so the number of series is bounded.
 */

interface Family {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge';
  samples(): Iterable<readonly [labels: string, value: number]>;
}

/** A monotonically increasing count, optionally split by one label. */
export class Counter {
  /** One box per series: an increment is one lookup, not a lookup and a store. */
  private readonly values = new Map<string, { n: number }>();
  /** The unlabelled series (also every increment without a label value): no lookup at all. */
  private readonly plain = { n: 0 };

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly label?: string,
  ) {
    this.values.set('', this.plain);
  }

  /** Adds `n` (default 1) to the series of `labelValue`. */
  inc(labelValue = '', n = 1): void {
    if (labelValue === '') {
      this.plain.n += n;
      return;
    }
    const box = this.values.get(labelValue);
    if (box) box.n += n;
    else this.values.set(labelValue, { n });
  }

  /** Current value of one series (0 if never incremented). */
  get(labelValue = ''): number {
    return this.values.get(labelValue)?.n ?? 0;
  }

  /** @internal */
  *samples(): Iterable<readonly [string, number]> {
    if (!this.label) {
      yield ['', this.get()];
      return;
    }
    for (const [v, box] of this.values) {
      if (v !== '' || box.n > 0) yield [`{${this.label}="${escapeLabel(v)}"}`, box.n];
    }
  }
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** The server's metrics. */
export class Metrics {
  private readonly families: Family[] = [];

  /** Requests and pushes refused or ignored, by reason (wire error name or transport reason). */
  readonly framesDropped = this.counter(
    'calling_frames_dropped_total',
    'Client frames refused or ignored, by reason.',
    'reason',
  );
  /** Logins refused, by wire error name. */
  readonly loginsRefused = this.counter(
    'calling_logins_refused_total',
    'Logins refused, by reason.',
    'reason',
  );
  /** Successful logins. */
  readonly logins = this.counter('calling_logins_total', 'Successful logins.');
  /** Messages accepted for delivery, by conversation type. */
  readonly messagesRelayed = this.counter(
    'calling_messages_relayed_total',
    'Messages accepted and relayed, by conversation type.',
    'conversation',
  );
  /** Message copies pushed to sessions (live and replayed). */
  readonly deliveries = this.counter(
    'calling_message_deliveries_total',
    'Message copies pushed to sessions.',
  );
  /** RTC payloads relayed between room peers. */
  readonly rtcRelayed = this.counter('calling_rtc_relayed_total', 'WebRTC negotiation frames relayed.');
  /** Sessions ended by the server, by reason. */
  readonly kicked = this.counter(
    'calling_sessions_kicked_total',
    'Sessions ended by the server, by reason.',
    'reason',
  );
  /** Connections closed or refused by the server, by reason. */
  readonly connectionsClosed = this.counter(
    'calling_connections_closed_by_server_total',
    'Connections closed or refused by the server, by reason.',
    'reason',
  );
  /** Stored messages dropped before expiry, by limit. */
  readonly storedEvicted = this.counter(
    'calling_stored_messages_evicted_total',
    'Stored messages dropped before they expired, by limit.',
    'reason',
  );

  /** Several nodes: events published to other nodes, by kind (`msg`, `push`, `kick`). */
  readonly clusterPublished = this.counter(
    'calling_cluster_published_total',
    'Events published to other nodes, by kind.',
    'kind',
  );
  /** Several nodes: events received from other nodes, by kind. */
  readonly clusterReceived = this.counter(
    'calling_cluster_received_total',
    'Events received from other nodes, by kind.',
    'kind',
  );
  /** Several nodes: sessions resumed from another node, by outcome (`handedOver`, `noAnswer`). */
  readonly clusterHandovers = this.counter(
    'calling_cluster_handovers_total',
    'Sessions resumed from another node, by whether that node handed them over.',
    'result',
  );
  /** Several nodes: sessions of dead nodes ended by this node. */
  readonly clusterReaped = this.counter(
    'calling_cluster_reaped_sessions_total',
    'Sessions of dead nodes ended by this node.',
  );
  /** Several nodes: Redis connection events (`disconnected`, `reconnected`, `commandFailed`). */
  readonly redisEvents = this.counter(
    'calling_redis_events_total',
    'Redis connection events, by kind.',
    'event',
  );

  /** Registers a gauge read at scrape time. */
  gauge(name: string, help: string, read: () => number): void {
    this.families.push({ name, help, type: 'gauge', samples: () => [['', read()]] });
  }

  /** A gauge split by one label, read at scrape time (label values from configuration only). */
  labelledGauge(
    name: string,
    help: string,
    label: string,
    read: () => Iterable<readonly [labelValue: string, value: number]>,
  ): void {
    const samples = function* (): Iterable<readonly [string, number]> {
      for (const [v, n] of read()) yield [`{${label}="${escapeLabel(v)}"}`, n];
    };
    this.families.push({ name, help, type: 'gauge', samples });
  }

  /** A counter split by one label, registered after construction (an optional part's own). */
  labelledCounter(name: string, help: string, label: string): Counter {
    return this.counter(name, help, label);
  }

  /** Prometheus text exposition format (version 0.0.4). */
  render(): string {
    const lines: string[] = [];
    for (const f of this.families) {
      lines.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`);
      for (const [labels, value] of f.samples()) lines.push(`${f.name}${labels} ${value}`);
    }
    return lines.join('\n') + '\n';
  }

  private counter(name: string, help: string, label?: string): Counter {
    const c = new Counter(name, help, label);
    this.families.push({ name, help, type: 'counter', samples: () => c.samples() });
    return c;
  }
}
