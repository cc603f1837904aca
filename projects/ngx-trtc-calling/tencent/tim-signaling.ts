import {
  BehaviorSubject,
  Observable,
  Subject,
  Subscription,
  distinctUntilChanged,
  filter,
  firstValueFrom,
} from 'rxjs';
import {
  SignalingChannel,
  type Credentials,
  type HistoryQuery,
  type IncomingMessage,
  type OutgoingMessage,
  type SentMessage,
  type SignalingState,
} from 'ngx-trtc-calling/core';
import { unwrapModule, type ModuleOrNamespace } from './load-module';
import { fromSdkEvent } from './sdk-event';
import { TENCENT_ERROR, TencentError, sdkErrorCode } from './tencent-error';
import { fromTimMessage } from './tim-message';
import type {
  TimConversation,
  TimEvent,
  TimInstance,
  TimMessage,
  TimModule,
  TimResponse,
  TimSendOptions,
} from './tim-like';

/** Options of `timSignaling`. */
export interface TimSignalingOptions {
  /** The IM application. */
  readonly SDKAppID: number;
  /**
   * A TIM instance the app already has (like TRTCCalling's `tim` option): the channel shares it,
   * never destroys it, logs it in only through `login`, and never logs it out.
   */
  readonly tim?: TimInstance;
  /** The tim-js-sdk module (or a promise of it); by default loaded with `import('tim-js-sdk')` on first use. */
  readonly TIM?: ModuleOrNamespace<TimModule> | Promise<ModuleOrNamespace<TimModule>>;
  /** TIM log level (0 verbose … 4 none), applied to the instance. */
  readonly logLevel?: number;
}

/** TSignaling's history window limits (PROTOCOL.md §2.8): conversations looked at, messages per conversation. */
const HISTORY_MAX_CONVERSATIONS = 20;
const HISTORY_MAX_MESSAGES_PER_CONVERSATION = 15;
/** How many IDs of messages sent by this instance are remembered to drop echoes. */
const SENT_ID_MEMORY = 256;
/** TIM `USER_NOT_LOGGED_IN`: what a logged-out instance answers. */
const TIM_NOT_LOGGED_IN = 2024;

const LOGGED_OUT: SignalingState = { status: 'loggedOut' };

/** The default loader: a dynamic import, so an app that never logs in never bundles TIM eagerly. */
async function loadTimModule(): Promise<ModuleOrNamespace<TimModule>> {
  // Assigned without a cast: the real tim-js-sdk typings must satisfy TimModule.
  const mod: ModuleOrNamespace<TimModule> = await import('tim-js-sdk');
  return mod;
}

function sameState(a: SignalingState, b: SignalingState): boolean {
  return (
    a.status === b.status &&
    (a as { readonly reason?: string }).reason === (b as { readonly reason?: string }).reason
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * `SignalingChannel` over Tencent IM (tim-js-sdk 2.x), sending and receiving exactly what
 * TSignaling does (PROTOCOL.md §2.1, §2.5), so the call logic above interoperates with
 * trtc-calling-js / TUICalling clients of the same IM app.
 *
 * Nothing of the SDK is loaded before `login` (or `send`/`history`): the module comes from
 * `options.TIM` or a dynamic `import('tim-js-sdk')`.
 */
export class TimSignalingChannel extends SignalingChannel {
  /** Incoming custom messages (C2C and group), including this user's own from its other sessions. */
  readonly messages$: Observable<IncomingMessage>;
  /** Connection state; replays the current value. */
  readonly state$: Observable<SignalingState>;

  private readonly messagesSubject = new Subject<IncomingMessage>();
  private readonly stateSubject = new BehaviorSubject<SignalingState>(LOGGED_OUT);
  private readonly sentIDs = new Set<string>();
  private readonly wiring = new Subscription();
  private sdk?: Promise<{ readonly TIM: TimModule; readonly tim: TimInstance }>;
  private ownsTim = false;
  /** TIM said SDK_READY and has not said SDK_NOT_READY since. */
  private sdkReady = false;
  private destroyed = false;

  constructor(private readonly options: TimSignalingOptions) {
    super();
    this.messages$ = this.messagesSubject.asObservable();
    this.state$ = this.stateSubject.pipe(distinctUntilChanged(sameState));
  }

  /** The current connection state (synchronous snapshot of `state$`). */
  get state(): SignalingState {
    return this.stateSubject.value;
  }

  /** The TIM instance in use (loading the SDK and creating it if that has not happened yet). */
  async timInstance(): Promise<TimInstance> {
    return (await this.ensureSdk()).tim;
  }

  /** Logs in with `tim.login` and resolves on `SDK_READY`; rejects if kicked out or logged out meanwhile. */
  async login(credentials: Credentials): Promise<void> {
    const { tim } = await this.ensureSdk();
    this.assertAlive();
    this.setState({ status: 'connecting' });
    const settled = firstValueFrom(
      this.stateSubject.pipe(
        filter((s) => s.status === 'ready' || s.status === 'kickedOut' || s.status === 'loggedOut'),
      ),
    );
    let result: unknown;
    try {
      result = await tim.login({ userID: credentials.userID, userSig: credentials.userSig });
    } catch (error) {
      if (this.state.status === 'connecting') this.setState(LOGGED_OUT);
      throw TencentError.from(error);
    }
    // Already logged in (an app-supplied instance): TIM answers `repeatLogin` and sends no SDK_READY.
    if (isObject(result) && isObject(result['data']) && result['data']['repeatLogin'] === true) {
      this.sdkReady = true;
      if (this.state.status === 'connecting' || this.state.status === 'notReady')
        this.setState({ status: 'ready' });
    }
    const final = await settled;
    if (final.status !== 'ready') {
      throw new TencentError(
        TIM_NOT_LOGGED_IN,
        final.status === 'kickedOut'
          ? `kicked out while logging in: ${final.reason}`
          : 'logged out while logging in',
      );
    }
  }

  /**
   * Logs out with `tim.logout`; a no-op when logged out. An app-supplied instance is left
   * logged in (the channel only stops calling over it): the app's chat on it stays online.
   */
  async logout(): Promise<void> {
    if (!this.sdk || this.state.status === 'loggedOut') return;
    const { tim } = await this.sdk;
    const wasKicked = this.state.status === 'kickedOut';
    this.sdkReady = false;
    this.setState(LOGGED_OUT);
    if (wasKicked) return; // TIM already logged the kicked session out.
    if (this.options.tim) return; // the app's, to log out when its user signs out
    try {
      await tim.logout();
    } catch (error) {
      if (sdkErrorCode(error) !== TIM_NOT_LOGGED_IN) throw TencentError.from(error);
    }
  }

  /** Sends one custom message exactly as TSignaling does (PROTOCOL.md §2.1). */
  async send(message: OutgoingMessage): Promise<SentMessage> {
    const { TIM, tim } = await this.ensureSdk();
    this.assertAlive();
    let sent: TimMessage;
    try {
      const created = await tim.createCustomMessage({
        to: message.to,
        conversationType: message.conversationType === 'GROUP' ? TIM.TYPES.CONV_GROUP : TIM.TYPES.CONV_C2C,
        priority: TIM.TYPES.MSG_PRIORITY_HIGH,
        payload: { data: message.data, description: '', extension: '' },
      });
      const options: TimSendOptions = {
        onlineUserOnly: false,
        ...(message.offlinePushInfo
          ? {
              offlinePushInfo: {
                title: message.offlinePushInfo.title,
                description: message.offlinePushInfo.description,
                androidOPPOChannelID: message.offlinePushInfo.androidOPPOChannelID,
                extension: message.offlinePushInfo.extension,
              },
            }
          : {}),
        messageControlInfo: {
          excludedFromUnreadCount: false,
          excludedFromLastMessage: false,
          excludedFromContentModeration: true,
        },
      };
      // Remember the ID before the send resolves: a fast echo must already be recognised.
      this.rememberSent(created.ID);
      const result = await tim.sendMessage(created, options);
      sent = this.sentMessageOf(result) ?? created;
    } catch (error) {
      throw TencentError.from(error);
    }
    this.rememberSent(sent.ID);
    return { id: sent.ID, time: (sent.time || Math.floor(Date.now() / 1000)) * 1000 };
  }

  /**
   * Custom messages of the recent conversations, oldest first: the ≤ 20 conversations whose last
   * message is not older than `since`, ≤ 15 messages of each (TSignaling's replay window, §2.8).
   */
  async history(query: HistoryQuery): Promise<readonly IncomingMessage[]> {
    const { TIM, tim } = await this.ensureSdk();
    this.assertAlive();
    if (query.limit <= 0) return [];
    let conversations: readonly TimConversation[];
    try {
      conversations = this.listOf<TimConversation>(await tim.getConversationList(), 'conversationList');
    } catch (error) {
      throw TencentError.from(error);
    }
    const recent = conversations
      .filter((c) => c.type === TIM.TYPES.CONV_C2C || c.type === TIM.TYPES.CONV_GROUP)
      .filter((c) => (c.lastMessage?.lastTime ?? 0) * 1000 >= query.since)
      .slice(0, HISTORY_MAX_CONVERSATIONS);
    const byID = new Map<string, IncomingMessage>();
    for (const conversation of recent) {
      let messages: readonly TimMessage[];
      try {
        messages = this.listOf<TimMessage>(
          await tim.getMessageList({
            conversationID: conversation.conversationID,
            count: HISTORY_MAX_MESSAGES_PER_CONVERSATION,
          }),
          'messageList',
        );
      } catch (error) {
        throw TencentError.from(error);
      }
      for (const m of messages) {
        if (m.isRevoked || m.isDeleted) continue;
        const incoming = this.toIncoming(TIM, m);
        if (incoming && incoming.time >= query.since) byID.set(incoming.id, incoming);
      }
    }
    const sorted = [...byID.values()].sort((a, b) => a.time - b.time);
    return sorted.slice(Math.max(0, sorted.length - query.limit));
  }

  /** Removes every TIM listener, completes the streams and destroys the TIM instance if this channel created it. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.wiring.unsubscribe();
    this.sdkReady = false;
    this.setState(LOGGED_OUT);
    this.messagesSubject.complete();
    this.stateSubject.complete();
    if (this.sdk && this.ownsTim) {
      this.sdk.then(
        ({ tim }) => {
          try {
            // A logged-out TIM rejects destroy() with 2024; nothing is left to release then.
            Promise.resolve(tim.destroy?.()).catch(() => undefined);
          } catch {
            // same as above, for an SDK that throws synchronously
          }
        },
        () => undefined,
      );
    }
  }

  private ensureSdk(): Promise<{ readonly TIM: TimModule; readonly tim: TimInstance }> {
    if (this.destroyed) return Promise.reject(this.destroyedError());
    this.sdk ??= this.loadSdk();
    return this.sdk;
  }

  private async loadSdk(): Promise<{ readonly TIM: TimModule; readonly tim: TimInstance }> {
    const TIM = unwrapModule<TimModule>(await (this.options.TIM ?? loadTimModule()), 'EVENT');
    if (this.destroyed) throw this.destroyedError();
    let tim = this.options.tim;
    if (!tim) {
      tim = TIM.create({ SDKAppID: this.options.SDKAppID });
      this.ownsTim = true;
    }
    if (this.options.logLevel !== undefined) tim.setLogLevel?.(this.options.logLevel);
    this.wire(TIM, tim);
    return { TIM, tim };
  }

  /** Subscribes to TIM's events for the life of the channel (each one a lazy listener, see `fromSdkEvent`). */
  private wire(TIM: TimModule, tim: TimInstance): void {
    const on = <D>(name: string) => fromSdkEvent(tim, name) as Observable<TimEvent<D>>;
    this.wiring.add(
      on<readonly TimMessage[]>(TIM.EVENT.MESSAGE_RECEIVED).subscribe((event) =>
        this.onMessages(TIM, event.data),
      ),
    );
    this.wiring.add(
      on<unknown>(TIM.EVENT.SDK_READY)
        .pipe(filter(() => this.loggedIn()))
        .subscribe(() => {
          this.sdkReady = true;
          this.setState({ status: 'ready' });
        }),
    );
    this.wiring.add(
      on<unknown>(TIM.EVENT.SDK_NOT_READY)
        .pipe(filter(() => this.loggedIn()))
        .subscribe(() => {
          this.sdkReady = false;
          this.setState({ status: 'notReady', reason: 'sdkNotReady' });
        }),
    );
    this.wiring.add(
      on<{ readonly type?: string }>(TIM.EVENT.KICKED_OUT).subscribe((event) => {
        this.sdkReady = false;
        this.setState({ status: 'kickedOut', reason: event.data?.type ?? 'unknown' });
      }),
    );
    this.wiring.add(
      on<{ readonly state?: string }>(TIM.EVENT.NET_STATE_CHANGE)
        .pipe(filter(() => this.loggedIn()))
        .subscribe((event) => {
          const net = event.data?.state;
          if (net === TIM.TYPES.NET_STATE_CONNECTED) {
            if (this.sdkReady) this.setState({ status: 'ready' });
          } else if (net === TIM.TYPES.NET_STATE_DISCONNECTED || net === TIM.TYPES.NET_STATE_CONNECTING) {
            this.setState({ status: 'notReady', reason: net });
          }
        }),
    );
  }

  private onMessages(TIM: TimModule, batch: readonly TimMessage[] | undefined): void {
    if (!Array.isArray(batch)) return;
    for (const m of batch) {
      if (!m || this.sentIDs.has(m.ID)) continue; // never hand back what this instance sent
      const incoming = this.toIncoming(TIM, m);
      if (incoming) this.messagesSubject.next(incoming);
    }
  }

  private toIncoming(TIM: TimModule, m: TimMessage): IncomingMessage | undefined {
    return fromTimMessage(m, TIM.TYPES);
  }

  private sentMessageOf(result: unknown): TimMessage | undefined {
    if (isObject(result) && isObject(result['data']) && isObject(result['data']['message'])) {
      return result['data']['message'] as unknown as TimMessage;
    }
    return undefined;
  }

  private listOf<T>(result: unknown, key: string): readonly T[] {
    const data = isObject(result) ? (result as unknown as TimResponse<unknown>).data : undefined;
    const list = isObject(data) ? data[key] : undefined;
    if (!Array.isArray(list)) {
      throw new TencentError(TENCENT_ERROR.UNEXPECTED_SDK_RESULT, `TIM returned no ${key}`);
    }
    return list as readonly T[];
  }

  private rememberSent(id: string | undefined): void {
    if (!id) return;
    this.sentIDs.delete(id);
    this.sentIDs.add(id);
    if (this.sentIDs.size > SENT_ID_MEMORY) {
      const oldest = this.sentIDs.values().next().value;
      if (oldest !== undefined) this.sentIDs.delete(oldest);
    }
  }

  private loggedIn(): boolean {
    const s = this.state.status;
    return s === 'connecting' || s === 'ready' || s === 'notReady';
  }

  private setState(state: SignalingState): void {
    if (!this.stateSubject.closed) this.stateSubject.next(state);
  }

  private assertAlive(): void {
    if (this.destroyed) throw this.destroyedError();
  }

  private destroyedError(): TencentError {
    return new TencentError(TENCENT_ERROR.DESTROYED, 'timSignaling: used after destroy()');
  }
}

/**
 * A `SignalingChannel` over Tencent IM (tim-js-sdk), wire-compatible with trtc-calling-js 1.0.6.
 *
 * @example
 * const signaling = timSignaling({ SDKAppID: 1400000000 });
 * await signaling.login({ userID: 'alice', userSig });
 */
export function timSignaling(options: TimSignalingOptions): TimSignalingChannel {
  return new TimSignalingChannel(options);
}
