import { Observable } from 'rxjs';

/** The `on`/`off` pair every Tencent SDK object (TIM instance, TRTC client and stream) has. */
export interface SdkEmitter<E> {
  on(eventName: string, handler: (event: E) => void): void;
  off(eventName: string, handler: (event: E) => void): void;
}

/**
 * One SDK event as a lazy Observable: the listener is added on subscribe and removed in
 * teardown, so unsubscribing is all it takes to leave nothing registered on the SDK.
 *
 * @example
 * fromSdkEvent(tim, TIM.EVENT.SDK_READY).subscribe(() => ready());
 */
export function fromSdkEvent<E>(emitter: SdkEmitter<E>, eventName: string): Observable<E> {
  return new Observable<E>((subscriber) => {
    const handler = (event: E): void => subscriber.next(event);
    emitter.on(eventName, handler);
    return () => emitter.off(eventName, handler);
  });
}
