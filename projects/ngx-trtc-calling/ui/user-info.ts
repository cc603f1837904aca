import {
  computed,
  type EnvironmentProviders,
  inject,
  InjectionToken,
  Injector,
  makeEnvironmentProviders,
  runInInjectionContext,
  type Signal,
} from '@angular/core';
import { toObservable, toSignal } from '@angular/core/rxjs-interop';
import {
  catchError,
  combineLatest,
  isObservable,
  map,
  type Observable,
  of,
  startWith,
  switchMap,
} from 'rxjs';

/** How the kit shows a user. */
export interface CallUserInfo {
  readonly displayName: string;
  /** An image URL; without one (or when it fails to load) the avatar shows initials. */
  readonly avatarUrl?: string;
}

/**
 * Looks a user up by userID: at once, or as an observable (its latest value wins). Runs in the
 * injection context of the component that asks, so it may `inject()`.
 */
export type CallUserInfoResolver = (userID: string) => CallUserInfo | Observable<CallUserInfo>;

/** The user as the kit shows them before (or without) an app's resolver: the userID as the name. */
export const defaultCallUserInfo: CallUserInfoResolver = (userID) => ({ displayName: userID });

/** The resolver every component of the kit asks for names and avatars (`provideCallUserInfo`). */
export const CALL_USER_INFO = new InjectionToken<CallUserInfoResolver>('CALL_USER_INFO', {
  providedIn: 'root',
  factory: () => defaultCallUserInfo,
});

/**
 * Gives the kit display names and avatars for userIDs, e.g. from the app's contacts.
 *
 * @example
 * provideCallUserInfo((userID) => inject(Contacts).byID(userID)) // an Observable<CallUserInfo>
 */
export function provideCallUserInfo(resolver: CallUserInfoResolver): EnvironmentProviders {
  return makeEnvironmentProviders([{ provide: CALL_USER_INFO, useValue: resolver }]);
}

/**
 * The user info of the user `userID()` names, as a signal; the userID itself until the resolver
 * answers, or when it fails. Call in an injection context.
 */
export function injectCallUserInfo(userID: () => string, injector?: Injector): Signal<CallUserInfo> {
  const context = injector ?? inject(Injector);
  const resolve = context.get(CALL_USER_INFO);
  const info$ = toObservable(computed(userID), { injector: context }).pipe(
    switchMap((id) =>
      resolved(resolve, id, context).pipe(startWith(defaultCallUserInfo(id) as CallUserInfo)),
    ),
  );
  return toSignal(info$, { injector: context, initialValue: { displayName: '' } });
}

/**
 * The display names of the users `userIDs()` names, as a signal of a map (each userID until the
 * resolver answers). Call in an injection context.
 */
export function injectCallUserNames(
  userIDs: () => readonly string[],
  injector?: Injector,
): Signal<ReadonlyMap<string, string>> {
  const context = injector ?? inject(Injector);
  const resolve = context.get(CALL_USER_INFO);
  const ids = computed(() => [...new Set(userIDs())], { equal: (a, b) => a.join('\n') === b.join('\n') });
  const names$ = toObservable(ids, { injector: context }).pipe(
    switchMap((list) =>
      list.length
        ? combineLatest(
            list.map((id) =>
              resolved(resolve, id, context).pipe(
                startWith(defaultCallUserInfo(id) as CallUserInfo),
                map((info) => [id, info.displayName] as const),
              ),
            ),
          )
        : of([]),
    ),
    map((entries) => new Map(entries)),
  );
  return toSignal(names$, { injector: context, initialValue: new Map<string, string>() });
}

function resolved(
  resolve: CallUserInfoResolver,
  userID: string,
  injector: Injector,
): Observable<CallUserInfo> {
  try {
    // In the asking component's injection context, so a resolver may inject() the app's services.
    const info = runInInjectionContext(injector, () => resolve(userID));
    const info$ = isObservable(info) ? info : of(info);
    // A resolver that fails leaves the userID in place: a name is a nicety, never a failure of the call.
    return info$.pipe(catchError(() => of(defaultCallUserInfo(userID) as CallUserInfo)));
  } catch {
    return of(defaultCallUserInfo(userID) as CallUserInfo);
  }
}

/** Up to two initials of a name ("Ada Lovelace" → "AL", "bob" → "B"). */
export function initialsOf(name: string): string {
  const words = name
    .trim()
    .split(/[\s._@-]+/)
    .filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : words;
  return letters
    .map((word) => Array.from(word ?? '')[0] ?? '')
    .join('')
    .toUpperCase();
}
