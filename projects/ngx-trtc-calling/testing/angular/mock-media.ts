import { toSignal } from '@angular/core/rxjs-interop';
import type { Signal } from '@angular/core';
import { BehaviorSubject, distinctUntilChanged, type Observable } from 'rxjs';
import type { DeviceInfo, DeviceList, MediaStats, ParticipantQuality } from 'ngx-trtc-calling/core';

/**
 * The media reports of `MockCallingService` — network quality, stats, screen shares, the media
 * connection — as the test sets them, with the streams and signals `CallingService` gives them as.
 * Built in the service's injection context (the signals need one).
 */
export class MockMediaReports {
  readonly quality = new BehaviorSubject<readonly ParticipantQuality[]>([]);
  readonly stats = new BehaviorSubject<readonly MediaStats[]>([]);
  readonly screenShares = new BehaviorSubject<readonly string[]>([]);
  readonly sharing = new BehaviorSubject<boolean>(false);
  readonly connection = new BehaviorSubject<'connected' | 'reconnecting'>('connected');

  readonly quality$: Observable<readonly ParticipantQuality[]> = this.quality.asObservable();
  readonly stats$: Observable<readonly MediaStats[]> = this.stats.asObservable();
  readonly screenShares$: Observable<readonly string[]> = this.screenShares.asObservable();
  readonly sharing$: Observable<boolean> = this.sharing.pipe(distinctUntilChanged());
  readonly connection$: Observable<'connected' | 'reconnecting'> =
    this.connection.pipe(distinctUntilChanged());

  /** The signal of one report (current value at once, as `CallingService`'s). */
  signal<K extends 'quality' | 'stats' | 'screenShares' | 'sharing' | 'connection'>(
    report: K,
  ): Signal<MockMediaReports[K]['value']> {
    return toSignal(this[report] as BehaviorSubject<MockMediaReports[K]['value']>, { requireSync: true });
  }

  /** Completes every report (the service is destroyed). */
  complete(): void {
    for (const report of [this.quality, this.stats, this.screenShares, this.sharing, this.connection])
      report.complete();
  }
}

/** The devices of `list` as `getCameras`/`getMicrophones`/`getSpeakers` resolve them. */
export function mockDeviceInfos(
  devices: DeviceList,
  list: keyof DeviceList,
  kind: DeviceInfo['kind'],
): readonly DeviceInfo[] {
  return devices[list].map((d) => ({
    deviceId: d.deviceID,
    groupId: d.groupID ?? '',
    kind,
    label: d.label,
    deviceID: d.deviceID,
    ...(d.groupID !== undefined ? { groupID: d.groupID } : {}),
    deviceKind: d.kind,
  }));
}
