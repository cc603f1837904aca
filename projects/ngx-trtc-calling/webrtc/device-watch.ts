import { concatMap, from, ignoreElements, merge, Observable, share } from 'rxjs';
import type { MediaEnvironment } from './media-environment';

/**
 * `devicechange` events and the ends of local tracks, each handled by `changed` after the one
 * before it. One `devicechange` listener however many subscribers, added only while someone listens.
 */
export function watchDevices(
  environment: () => MediaEnvironment,
  trackEnded$: Observable<void>,
  changed: () => Promise<void>,
): Observable<never> {
  return merge(
    new Observable<void>((subscriber) => {
      const mediaDevices = environment().mediaDevices;
      if (!mediaDevices?.addEventListener) return undefined;
      const listener = () => subscriber.next();
      mediaDevices.addEventListener('devicechange', listener);
      return () => mediaDevices.removeEventListener('devicechange', listener);
    }),
    trackEnded$,
  ).pipe(
    concatMap(() => from(changed()).pipe(ignoreElements())),
    share(),
  );
}
