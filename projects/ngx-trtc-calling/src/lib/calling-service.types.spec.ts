/*
 * CallingService is written by hand, for its doc comments and its Angular behaviour (usable before
 * the Calling exists, async methods, signals). These checks keep it in step with Calling: the
 * type-level ones make `tsc -p tsconfig.spec.json` (the first step of `npm test`) fail when
 * Calling gains an observable, a method or a snapshot that CallingService lacks, or when a
 * signature differs. The error names the member.
 */
import { TestBed } from '@angular/core/testing';
import type { Signal } from '@angular/core';
import type { Observable } from 'rxjs';
import { Calling, SILENT_LOGGER } from 'ngx-trtc-calling/core';
import { VirtualNetwork } from 'ngx-trtc-calling/testing';
import { DEV_SDK_APP_ID } from 'ngx-trtc-calling/wire';
import { provideCallingTesting } from 'ngx-trtc-calling/testing/angular';
import { CallingService } from './calling-service';

/** True when X and Y are the same type (not merely assignable either way). */
type Equal<X, Y> = (<T>() => T extends X ? 1 : 2) extends <T>() => T extends Y ? 1 : 2 ? true : false;

/** Compiles only when T is `never`; otherwise the error shows T: the drifting members. */
type NoneOf<T extends never> = T;

type AnyFunction = (...args: any[]) => any;

/** Calling's methods that CallingService does not offer, on purpose. */
type NotForwarded = 'destroy'; // the service destroys its Calling with the injector

/** Snapshots (`Calling`'s getters) that CallingService offers as a signal of another name. */
interface RenamedSnapshots {
  readonly callRecords: 'records';
}

type ObservableKeys<C> = { [K in keyof C]: K extends `${string}$` ? K : never }[keyof C];
type MethodKeys<C> = Exclude<{ [K in keyof C]: C[K] extends AnyFunction ? K : never }[keyof C], NotForwarded>;
type SnapshotKeys<C> = Exclude<keyof C, ObservableKeys<C> | MethodKeys<C> | NotForwarded>;
type SignalName<K> = K extends keyof RenamedSnapshots ? RenamedSnapshots[K] : K;

/** Observables of C that S lacks or types differently. */
export type ObservableDrift<C, S> = {
  [K in ObservableKeys<C>]: K extends keyof S ? (Equal<S[K], C[K]> extends true ? never : K) : K;
}[ObservableKeys<C>];

/** Methods of C that S lacks, or whose parameters differ, or that do not resolve to C's result. */
export type MethodDrift<C, S> = {
  [K in MethodKeys<C>]: K extends keyof S
    ? S[K] extends AnyFunction
      ? C[K] extends AnyFunction
        ? Equal<Parameters<S[K]>, Parameters<C[K]>> extends true
          ? Equal<ReturnType<S[K]>, Promise<Awaited<ReturnType<C[K]>>>> extends true
            ? never
            : K
          : K
        : K
      : K
    : K;
}[MethodKeys<C>];

/** Snapshots of C that S lacks as a signal of the same value. */
export type SnapshotDrift<C, S> = {
  [K in SnapshotKeys<C>]: SignalName<K> extends keyof S
    ? Equal<S[SignalName<K>], Signal<C[K]>> extends true
      ? never
      : K
    : K;
}[SnapshotKeys<C>];

export type CallingServiceChecks = [
  NoneOf<ObservableDrift<Calling, CallingService>>,
  NoneOf<MethodDrift<Calling, CallingService>>,
  NoneOf<SnapshotDrift<Calling, CallingService>>,
];

// The checks bite: a Calling with one member more, or one signature changed, does not compile.
type CallingWithMore = Calling & {
  readonly ringing$: Observable<string>;
  mute(all: boolean): Promise<void>;
  readonly volume: number;
};
type CallingChanged = Omit<Calling, 'login' | 'phase$'> & {
  login(params: { userID: string }): Promise<void>;
  readonly phase$: Observable<string>;
};
export type ChecksBite = [
  // @ts-expect-error: ringing$ is missing from CallingService
  NoneOf<ObservableDrift<CallingWithMore, CallingService>>,
  // @ts-expect-error: mute is missing from CallingService
  NoneOf<MethodDrift<CallingWithMore, CallingService>>,
  // @ts-expect-error: volume is missing from CallingService
  NoneOf<SnapshotDrift<CallingWithMore, CallingService>>,
  // @ts-expect-error: phase$ is typed differently
  NoneOf<ObservableDrift<CallingChanged, CallingService>>,
  // @ts-expect-error: login takes other parameters
  NoneOf<MethodDrift<CallingChanged, CallingService>>,
];

describe('CallingService mirrors Calling', () => {
  it('has every observable of a Calling instance (the type checks above cover the rest)', async () => {
    const network = new VirtualNetwork();
    const calling = new Calling({
      SDKAppID: DEV_SDK_APP_ID,
      signaling: network.signaling(),
      media: network.media(),
      logger: SILENT_LOGGER,
    });
    TestBed.configureTestingModule({ providers: [provideCallingTesting()] });
    const service = TestBed.inject(CallingService);

    const observables = Object.keys(calling).filter((key) => key.endsWith('$'));
    expect(observables.length).toBeGreaterThanOrEqual(24);
    expect(observables.filter((key) => !(key in service))).toEqual([]);

    await calling.destroy();
    network.destroy();
  });
});
