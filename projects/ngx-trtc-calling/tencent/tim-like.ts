/*
 * The part of tim-js-sdk 2.27.x the signaling adapter uses, described structurally so that the
 * adapter compiles without the SDK, accepts the real `TIM` (checked in real-sdks.spec.ts) or a
 * compatible SDK (`@tencentcloud/chat`), and tests can hand it a double.
 */

/** What TIM passes to an event handler: `{name, data}`. */
export interface TimEvent<D = unknown> {
  readonly name?: string;
  readonly data?: D;
}

/**
 * A value of `TIM.TYPES`. tim-js-sdk types `TYPES` as one enum mixing strings and numbers, so the
 * members the adapter compares are typed this loosely to accept the real typings.
 */
export type TimTypeValue = string | number;

/** A TIM message (`Message` in tim-js.d.ts), the members the adapter reads. */
export interface TimMessage {
  readonly ID: string;
  /** `TIM.TYPES.MSG_*`, e.g. `TIMCustomElem`. */
  readonly type: TimTypeValue;
  /** For custom messages `{data, description, extension}`. */
  readonly payload: unknown;
  /** `TIM.TYPES.CONV_C2C` / `CONV_GROUP` / … */
  readonly conversationType: TimTypeValue;
  readonly conversationID?: string;
  /** Recipient userID (C2C) or groupID (group). */
  readonly to: string;
  readonly from: string;
  /** Server time, seconds. */
  readonly time: number;
  readonly flow?: string;
  readonly isRevoked?: boolean;
  readonly isDeleted?: boolean;
}

/** A conversation of `getConversationList()`. */
export interface TimConversation {
  readonly conversationID: string;
  readonly type: TimTypeValue;
  readonly unreadCount?: number;
  /** `lastTime` in seconds. */
  readonly lastMessage?: { readonly lastTime?: number } | null;
}

/** TIM's promise results: `{code, data}`. */
export interface TimResponse<D> {
  readonly code?: number;
  readonly data: D;
}

/** What `createCustomMessage` takes. */
export interface TimCustomMessageOptions {
  readonly to: string;
  readonly conversationType: TimTypeValue;
  readonly priority?: TimTypeValue;
  readonly payload: { readonly data: string; readonly description: string; readonly extension: string };
}

/** The second argument of `sendMessage` (PROTOCOL.md §2.1). */
export interface TimSendOptions {
  readonly onlineUserOnly: boolean;
  readonly offlinePushInfo?: {
    readonly title: string;
    readonly description: string;
    readonly androidOPPOChannelID: string;
    readonly extension: string;
  };
  readonly messageControlInfo: {
    readonly excludedFromUnreadCount: boolean;
    readonly excludedFromLastMessage: boolean;
    readonly excludedFromContentModeration: boolean;
  };
}

/** A TIM instance (`ChatSDK` in tim-js.d.ts), as far as the adapter uses it. */
export interface TimInstance {
  on(eventName: string, handler: (event: TimEvent) => void, context?: unknown): void;
  off(eventName: string, handler: (event: TimEvent) => void, context?: unknown): void;
  login(options: { userID: string; userSig: string }): Promise<unknown>;
  logout(): Promise<unknown>;
  destroy?(): Promise<unknown> | void;
  setLogLevel?(level: number): void;
  /** Returns the message; tim-js-sdk 2.27 returns a rejected promise instead when not logged in. */
  createCustomMessage(options: TimCustomMessageOptions): TimMessage | PromiseLike<TimMessage>;
  sendMessage(message: TimMessage, options?: TimSendOptions): Promise<unknown>;
  getConversationList(): Promise<unknown>;
  getMessageList(options: { conversationID: string; count?: number }): Promise<unknown>;
}

/** The `TIM.TYPES` members the adapter uses. */
export interface TimTypes {
  readonly MSG_CUSTOM: string;
  readonly MSG_PRIORITY_HIGH: string;
  readonly CONV_C2C: string;
  readonly CONV_GROUP: string;
  readonly NET_STATE_CONNECTED: string;
  readonly NET_STATE_CONNECTING: string;
  readonly NET_STATE_DISCONNECTED: string;
}

/** The `TIM.EVENT` members the adapter uses. */
export interface TimEvents {
  readonly SDK_READY: string;
  readonly SDK_NOT_READY: string;
  readonly KICKED_OUT: string;
  readonly NET_STATE_CHANGE: string;
  readonly MESSAGE_RECEIVED: string;
}

/** The tim-js-sdk module (`TIM`): a factory and its constants. */
export interface TimModule {
  create(options: { SDKAppID: number }): TimInstance;
  readonly TYPES: TimTypes;
  readonly EVENT: TimEvents;
}
