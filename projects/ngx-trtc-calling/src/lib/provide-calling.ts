import { type EnvironmentProviders, makeEnvironmentProviders, type Provider } from '@angular/core';
import { CallingBackend } from './calling-backend';
import { CALLING_CONFIG, type CallingConfig } from './calling-config';
import { CallingService } from './calling-service';

/** The kinds of `provideCalling()` features; the first three each provide a `CallingBackend`. */
export type CallingFeatureKind = 'SelfHosted' | 'TencentCloud' | 'Backend' | 'Options';

/** A `provideCalling()` feature (`withSelfHosted()`, `withTencentCloud()`, `withCallingOptions()`, …). */
export interface CallingFeature<KindT extends CallingFeatureKind> {
  /** Which feature this is (checked by `provideCalling()` in dev mode). */
  readonly ɵkind: KindT;
  /** What it provides. */
  readonly ɵproviders: readonly (Provider | EnvironmentProviders)[];
}

/** Builds a feature; exported as `ɵcallingFeature` for the library's other entry points only. */
export function callingFeature<KindT extends CallingFeatureKind>(
  kind: KindT,
  providers: readonly (Provider | EnvironmentProviders)[],
): CallingFeature<KindT> {
  return { ɵkind: kind, ɵproviders: providers };
}

/** The features that provide a backend, by kind. */
const BACKENDS: Partial<Record<CallingFeatureKind, string>> = {
  SelfHosted: 'withSelfHosted()',
  TencentCloud: 'withTencentCloud()',
  Backend: 'withCallingBackend()',
};

/**
 * Provides `CallingService` with one backend and, optionally, options.
 *
 * ```ts
 * bootstrapApplication(App, {
 *   providers: [
 *     provideCalling(withSelfHosted({ url: 'wss://calls.example.com/ws' }), withCallingOptions({ ringTimeout: 45 })),
 *   ],
 * });
 * ```
 *
 * In dev mode, two backend features throw here; no backend at all (neither a feature nor a
 * `CallingBackend` provided otherwise) throws when `CallingService` is first injected.
 */
export function provideCalling(...features: CallingFeature<CallingFeatureKind>[]): EnvironmentProviders {
  if (typeof ngDevMode === 'undefined' || ngDevMode) {
    const backends = features.map((f) => BACKENDS[f.ɵkind]).filter(Boolean);
    if (backends.length > 1) {
      throw new Error(
        `provideCalling(): ${backends.join(' and ')} each provide a backend; keep exactly one of them.`,
      );
    }
  }
  return makeEnvironmentProviders([CallingService, ...features.flatMap((f) => f.ɵproviders)]);
}

/** Options of the `Calling` behind `CallingService` (ring timeout, video quality, logger, scheduler). */
export function withCallingOptions(config: CallingConfig): CallingFeature<'Options'> {
  return callingFeature('Options', [{ provide: CALLING_CONFIG, useValue: config }]);
}

/**
 * A backend of your own: `factory` runs in an injection context (so it may `inject()`) the
 * first time `CallingService` is injected in a browser.
 *
 * ```ts
 * provideCalling(withCallingBackend(() => ({ create: async () => ({ signaling, media, SDKAppID }) })));
 * ```
 */
export function withCallingBackend(factory: () => CallingBackend): CallingFeature<'Backend'> {
  return callingFeature('Backend', [{ provide: CallingBackend, useFactory: factory }]);
}
