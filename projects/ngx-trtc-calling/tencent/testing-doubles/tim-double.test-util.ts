/**
 * A simulated Tencent IM: one in-memory message bus shared by any number of TIM instances, each
 * with the API shape of tim-js-sdk 2.27.6 (`TIM.create(...)` → instance with `on/off/login/
 * logout/createCustomMessage/sendMessage/getConversationList/getMessageList/...`).
 *
 * It is built from the REAL package's constants (`new TimBus({TYPES: TIM.TYPES, EVENT:
 * TIM.EVENT})` with `TIM` imported from tim-js-sdk under the network stubs), so event names and
 * type strings cannot drift from the SDK.
 *
 * Behaviour modelled on tim-js-sdk 2.27.6 and PROTOCOL.md §2.1/§2.5/§2.8:
 * - `login` resolves `{code: 0, data: {repeatLogin}}` and emits `SDK_READY` afterwards (a macrotask later);
 *   every API but `login/on/off` rejects with code 2024 while logged out (as the real SDK does,
 *   including `createCustomMessage`, which then returns a rejected promise instead of a message);
 * - `sendMessage` resolves `{code: 0, data: {message}}` and delivers through `MESSAGE_RECEIVED`
 *   (`{name, data: Message[]}`, several messages due at once arrive as one batch) to every online
 *   instance of the recipient (C2C) or of every group member (GROUP), and to the sender's OTHER
 *   instances (own-message sync); never back to the sending instance;
 * - every message is stored in each party's conversation (history, unread counts) whether or not
 *   the party was online; offline instances see it only through `getConversationList/getMessageList`;
 * - `KICKED_OUT` (`kick()` or a login beyond `onlineInstancesPerUser`): `SDK_NOT_READY` then
 *   `KICKED_OUT {type}`; `NET_STATE_CHANGE {state}` by `setNetState()`; deliveries to an instance
 *   whose network is down wait until it is `connected` again.
 *
 * Test helpers: `sent` (every `sendMessage` call with its exact arguments), `settle()` (waits
 * until every delivery is done), `listenerCount()` on instances.
 */
import { Deliveries } from './deliveries.test-util';

/** The TIM constants the double needs; pass the real `TIM.TYPES` / `TIM.EVENT`. */
export interface TimConstants {
  readonly TYPES: {
    readonly MSG_CUSTOM: string;
    readonly MSG_TEXT: string;
    readonly MSG_PRIORITY_NORMAL: string;
    readonly MSG_PRIORITY_HIGH: string;
    readonly CONV_C2C: string;
    readonly CONV_GROUP: string;
    readonly KICKED_OUT_MULT_ACCOUNT: string;
    readonly NET_STATE_CONNECTED: string;
    readonly NET_STATE_CONNECTING: string;
    readonly NET_STATE_DISCONNECTED: string;
  };
  readonly EVENT: {
    readonly SDK_READY: string;
    readonly SDK_NOT_READY: string;
    readonly MESSAGE_RECEIVED: string;
    readonly KICKED_OUT: string;
    readonly NET_STATE_CHANGE: string;
    readonly CONVERSATION_LIST_UPDATED?: string;
  };
}

/** Options of the bus. */
export interface TimBusOptions {
  /** How many instances of one user may be online; the oldest is kicked (`multipleAccount`) beyond it. Default: no limit. */
  readonly onlineInstancesPerUser?: number;
  /** Delivery latency in ms (default 0: the next macrotask). */
  readonly latencyMs?: number;
  /** Clock in ms (default `Date.now`, which jest fake timers also drive). */
  readonly now?: () => number;
}

/** A message as tim-js-sdk hands it out (`Message`). */
export interface FakeTimMessage {
  ID: string;
  type: string;
  payload: { data?: string; description?: string; extension?: string; text?: string };
  conversationID: string;
  conversationType: string;
  to: string;
  from: string;
  flow: 'in' | 'out';
  /** Seconds. */
  time: number;
  status: 'unSend' | 'success' | 'fail';
  priority: string;
  isRevoked: boolean;
  isDeleted: boolean;
  nick: string;
  avatar: string;
  cloudCustomData: string;
  /** tim-js-sdk's internal flag TSignaling reads (`_genMessageControlInfo`). */
  _onlineOnlyFlag: boolean;
}

/** One recorded `sendMessage` call. */
export interface SentRecord {
  /** userID of the sending instance. */
  readonly by: string;
  readonly instance: FakeTim;
  /** The message object passed in (after the send it carries ID, time, status). */
  readonly message: FakeTimMessage;
  /** The options argument exactly as passed (`undefined` if none). */
  readonly options: unknown;
}

/** A TIM error: `{code, message}` like the SDK's rejections. */
export class FakeTimError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'TIMError';
  }
}

type Handler = (event: { name: string; data?: unknown }) => void;

interface StoredConversation {
  readonly conversationID: string;
  readonly type: string;
  readonly peer: string;
  readonly messages: FakeTimMessage[];
  unreadCount: number;
}

const NOT_LOGGED_IN = 2024;
const NETWORK_UNAVAILABLE = 2801;
const GROUP_NOT_MEMBER = 10007;
const GROUP_NOT_FOUND = 10010;

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** The shared simulated IM service. */
export class TimBus {
  /** The module double: pass it where the code expects tim-js-sdk's `TIM`. */
  readonly TIM: {
    create: (options: { SDKAppID: number }) => FakeTim;
    readonly TYPES: TimConstants['TYPES'];
    readonly EVENT: TimConstants['EVENT'];
    readonly VERSION: string;
  };
  /** Every `sendMessage` call, in order. */
  readonly sent: SentRecord[] = [];
  /** Every instance created, in order. */
  readonly instances: FakeTim[] = [];

  private readonly groups = new Map<string, Set<string>>();
  /** userID → conversationID → conversation. */
  private readonly conversations = new Map<string, Map<string, StoredConversation>>();
  private readonly deliveries = new Deliveries();
  private readonly delays: {
    readonly predicate: (message: FakeTimMessage) => boolean;
    readonly ms: number;
  }[] = [];
  private seq = 0;

  constructor(
    readonly constants: TimConstants,
    readonly options: TimBusOptions = {},
  ) {
    this.TIM = {
      create: (createOptions) => this.create(createOptions),
      TYPES: constants.TYPES,
      EVENT: constants.EVENT,
      VERSION: '2.27.6',
    };
  }

  /** Current time, ms. */
  now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Creates an IM group with these members (members can be added later with `joinGroup`). */
  createGroup(groupID: string, members: readonly string[]): void {
    this.groups.set(groupID, new Set(members));
  }

  /** The members of a group. */
  groupMembers(groupID: string): readonly string[] {
    return [...(this.groups.get(groupID) ?? [])];
  }

  /** The `index`th instance created (0 first); throws when fewer exist. */
  instance(index: number): FakeTim {
    const tim = this.instances[index];
    if (!tim) throw new Error(`no TIM instance #${index}: ${this.instances.length} created`);
    return tim;
  }

  /** The `index`th `sendMessage` call (0 first); throws when fewer were made. */
  sentAt(index: number): SentRecord {
    const record = this.sent[index];
    if (!record) throw new Error(`no sendMessage call #${index}: ${this.sent.length} made`);
    return record;
  }

  /** Online (logged-in) instances of a user. */
  online(userID: string): FakeTim[] {
    return this.instances.filter((t) => t.userID === userID && t.isLoggedIn);
  }

  /** Kicks an instance out (`KICKED_OUT` with `type`, default `multipleAccount`). */
  kick(instance: FakeTim, type: string = this.constants.TYPES.KICKED_OUT_MULT_ACCOUNT): void {
    instance._kick(type);
  }

  /** Changes an instance's network state (`NET_STATE_CHANGE`); deliveries wait while it is not connected. */
  setNetState(instance: FakeTim, state: string): void {
    instance._setNetState(state);
  }

  /**
   * Stores a custom message as if sent earlier (e.g. while everybody was offline): it lands in the
   * conversations of sender and recipients with the given time and is delivered to nobody.
   */
  seedHistory(message: {
    from: string;
    to: string;
    conversationType: string;
    data: string;
    /** Seconds. */
    time: number;
  }): FakeTimMessage {
    const m = this.newMessage(message.from, {
      to: message.to,
      conversationType: message.conversationType,
      payload: { data: message.data },
    });
    m.time = message.time;
    m.status = 'success';
    for (const userID of this.parties(m)) this.store(userID, m, userID !== m.from);
    return m;
  }

  /** Stored conversation messages of a user (oldest first). */
  historyOf(userID: string, conversationID: string): readonly FakeTimMessage[] {
    return this.conversations.get(userID)?.get(conversationID)?.messages ?? [];
  }

  /** Resolves once every scheduled delivery has happened (including ones scheduled meanwhile). */
  settle(): Promise<void> {
    return this.deliveries.settle();
  }

  /** @internal */
  _newMessageID(from: string): string {
    this.seq += 1;
    return `${from}-${Math.floor(this.now() / 1000)}-${this.seq}-${Math.floor(Math.random() * 1e8)}`;
  }

  /** @internal */
  newMessage(
    from: string,
    options: { to: string; conversationType: string; priority?: string; payload?: Record<string, unknown> },
  ): FakeTimMessage {
    const { TYPES } = this.constants;
    const payload = options.payload ?? {};
    return {
      ID: this._newMessageID(from),
      type: TYPES.MSG_CUSTOM,
      payload: {
        data: payload['data'] as string,
        description: (payload['description'] as string | undefined) ?? '',
        extension: (payload['extension'] as string | undefined) ?? '',
      },
      conversationID: `${options.conversationType}${options.to}`,
      conversationType: options.conversationType,
      to: options.to,
      from,
      flow: 'out',
      time: 0,
      status: 'unSend',
      priority: options.priority ?? TYPES.MSG_PRIORITY_NORMAL,
      isRevoked: false,
      isDeleted: false,
      nick: '',
      avatar: '',
      cloudCustomData: '',
      _onlineOnlyFlag: false,
    };
  }

  /** @internal Routes a sent message: stores it for every party, delivers to online instances. */
  _route(sender: FakeTim, message: FakeTimMessage, onlineUserOnly: boolean): void {
    const { TYPES } = this.constants;
    if (message.conversationType === TYPES.CONV_GROUP) {
      const members = this.groups.get(message.to);
      if (!members) throw new FakeTimError(GROUP_NOT_FOUND, `group ${message.to} does not exist`);
      if (!members.has(message.from))
        throw new FakeTimError(GROUP_NOT_MEMBER, `${message.from} is not in ${message.to}`);
    }
    for (const userID of this.parties(message)) {
      if (!onlineUserOnly) this.store(userID, message, userID !== message.from);
      for (const instance of this.instances) {
        if (instance === sender || instance.userID !== userID || !instance.isLoggedIn) continue;
        this.deliver(instance, { ...clone(message), flow: userID === message.from ? 'out' : 'in' });
      }
    }
  }

  /** @internal */
  _conversationsOf(userID: string): StoredConversation[] {
    return [...(this.conversations.get(userID)?.values() ?? [])];
  }

  /** @internal */
  _conversation(userID: string, conversationID: string): StoredConversation | undefined {
    return this.conversations.get(userID)?.get(conversationID);
  }

  /** @internal */
  _joinGroup(groupID: string, userID: string): void {
    const members = this.groups.get(groupID);
    if (!members) throw new FakeTimError(GROUP_NOT_FOUND, `group ${groupID} does not exist`);
    members.add(userID);
  }

  /** @internal */
  _quitGroup(groupID: string, userID: string): void {
    this.groups.get(groupID)?.delete(userID);
  }

  /** @internal Called by an instance that just logged in: enforce the online-instance policy. */
  _loggedIn(instance: FakeTim): void {
    const limit = this.options.onlineInstancesPerUser ?? Infinity;
    const online = this.online(instance.userID);
    while (online.length > limit) {
      const oldest = online.shift();
      if (!oldest || oldest === instance) break;
      oldest._kick(this.constants.TYPES.KICKED_OUT_MULT_ACCOUNT);
    }
  }

  /** @internal Runs `fn` after the bus latency (tracked by `settle`). */
  _later(fn: () => void): void {
    this.deliveries.later(fn, this.options.latencyMs ?? 0);
  }

  private parties(message: FakeTimMessage): string[] {
    if (message.conversationType === this.constants.TYPES.CONV_GROUP) {
      return [...(this.groups.get(message.to) ?? [])];
    }
    return message.from === message.to ? [message.from] : [message.from, message.to];
  }

  private store(userID: string, message: FakeTimMessage, unread: boolean): void {
    const { TYPES } = this.constants;
    const group = message.conversationType === TYPES.CONV_GROUP;
    const peer = group ? message.to : userID === message.from ? message.to : message.from;
    const conversationID = `${group ? TYPES.CONV_GROUP : TYPES.CONV_C2C}${peer}`;
    let byID = this.conversations.get(userID);
    if (!byID) this.conversations.set(userID, (byID = new Map()));
    let conversation = byID.get(conversationID);
    if (!conversation) {
      conversation = {
        conversationID,
        type: group ? TYPES.CONV_GROUP : TYPES.CONV_C2C,
        peer,
        messages: [],
        unreadCount: 0,
      };
      byID.set(conversationID, conversation);
    }
    const copy: FakeTimMessage = {
      ...clone(message),
      conversationID,
      flow: userID === message.from ? 'out' : 'in',
    };
    conversation.messages.push(copy);
    conversation.messages.sort((a, b) => a.time - b.time);
    if (unread) conversation.unreadCount += 1;
  }

  /**
   * Fault: messages matching `predicate` reach online instances `ms` later than the others
   * (history stores them at once), until the returned function is called.
   */
  delay(predicate: (message: FakeTimMessage) => boolean, ms: number): () => void {
    const rule = { predicate, ms };
    this.delays.push(rule);
    return () => {
      const i = this.delays.indexOf(rule);
      if (i >= 0) this.delays.splice(i, 1);
    };
  }

  private deliver(instance: FakeTim, message: FakeTimMessage): void {
    const ms = this.delays.filter((d) => d.predicate(message)).reduce((sum, d) => sum + d.ms, 0);
    if (ms > 0) this.deliveries.later(() => instance._enqueue(message), ms);
    else instance._enqueue(message);
  }

  private create(options: { SDKAppID: number }): FakeTim {
    if (typeof options?.SDKAppID !== 'number')
      throw new FakeTimError(2000, 'TIM.create: SDKAppID must be a number');
    const tim = new FakeTim(this, options.SDKAppID);
    this.instances.push(tim);
    return tim;
  }
}

/** One simulated TIM instance (`ChatSDK`). */
export class FakeTim {
  /** The logged-in user ('' when logged out). */
  userID = '';
  /** userSig of the last login. */
  userSig = '';
  isLoggedIn = false;
  isReady = false;
  isDestroyed = false;
  netState: string;
  logLevel: number | undefined;

  private readonly listeners = new Map<string, { handler: Handler; context: unknown }[]>();
  private inbox: FakeTimMessage[] = [];
  private flushScheduled = false;

  constructor(
    readonly bus: TimBus,
    readonly SDKAppID: number,
  ) {
    this.netState = bus.constants.TYPES.NET_STATE_CONNECTED;
  }

  /** How many handlers are registered (all events, or one). */
  listenerCount(eventName?: string): number {
    if (eventName !== undefined) return this.listeners.get(eventName)?.length ?? 0;
    let n = 0;
    for (const list of this.listeners.values()) n += list.length;
    return n;
  }

  on(eventName: string, handler: Handler, context?: unknown): void {
    const list = this.listeners.get(eventName) ?? [];
    list.push({ handler, context });
    this.listeners.set(eventName, list);
  }

  once(eventName: string, handler: Handler, context?: unknown): void {
    const wrapper: Handler = (event) => {
      this.off(eventName, wrapper);
      handler.call(context, event);
    };
    this.on(eventName, wrapper, context);
  }

  off(eventName: string, handler: Handler, context?: unknown): void {
    const list = this.listeners.get(eventName);
    if (!list) return;
    const i = list.findIndex(
      (l) => l.handler === handler && (context === undefined || l.context === context),
    );
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.listeners.delete(eventName);
  }

  setLogLevel(level: number): void {
    this.logLevel = level;
  }

  async login(options: {
    userID: string;
    userSig: string;
  }): Promise<{ code: number; data: Record<string, unknown> }> {
    this.assertNotDestroyed();
    if (!options?.userID || !options.userSig)
      throw new FakeTimError(2000, 'login: userID and userSig are required');
    if (this.isLoggedIn) {
      return { code: 0, data: { actionStatus: 'OK', errorCode: 0, errorInfo: '', repeatLogin: true } };
    }
    this.userID = options.userID;
    this.userSig = options.userSig;
    this.isLoggedIn = true;
    this.bus._loggedIn(this);
    this.bus._later(() => {
      if (!this.isLoggedIn) return;
      this.isReady = true;
      this.emit(this.bus.constants.EVENT.SDK_READY);
    });
    return { code: 0, data: { actionStatus: 'OK', errorCode: 0, errorInfo: '', repeatLogin: false } };
  }

  async logout(): Promise<{ code: number; data: Record<string, unknown> }> {
    this.assertLoggedIn('logout');
    this.doLogout();
    return { code: 0, data: {} };
  }

  async destroy(): Promise<void> {
    this.assertLoggedIn('destroy');
    this.doLogout();
    this.isDestroyed = true;
    this.listeners.clear();
  }

  createCustomMessage(options: {
    to: string;
    conversationType: string | number;
    priority?: string | number;
    payload: object;
  }): FakeTimMessage | Promise<never> {
    if (!this.isLoggedIn) return Promise.reject(new FakeTimError(NOT_LOGGED_IN, ' | createCustomMessage | '));
    const { TYPES } = this.bus.constants;
    // Like the SDK's parameter checks, failures come back as a rejected promise, not a throw.
    if (!options || typeof options.to !== 'string' || !options.to) {
      return Promise.reject(new FakeTimError(2000, 'createCustomMessage: `to` is required'));
    }
    if (options.conversationType !== TYPES.CONV_C2C && options.conversationType !== TYPES.CONV_GROUP) {
      return Promise.reject(
        new FakeTimError(
          2000,
          `createCustomMessage: bad conversationType ${String(options.conversationType)}`,
        ),
      );
    }
    if (!options.payload || typeof options.payload !== 'object') {
      return Promise.reject(new FakeTimError(2000, 'createCustomMessage: payload is required'));
    }
    return this.bus.newMessage(this.userID, {
      to: options.to,
      conversationType: options.conversationType,
      ...(options.priority !== undefined ? { priority: String(options.priority) } : {}),
      payload: options.payload as Record<string, unknown>,
    });
  }

  createTextMessage(options: {
    to: string;
    conversationType: string;
    priority?: string;
    payload: { text: string };
  }): FakeTimMessage | Promise<never> {
    if (!this.isLoggedIn) return Promise.reject(new FakeTimError(NOT_LOGGED_IN, ' | createTextMessage | '));
    const m = this.bus.newMessage(this.userID, { ...options, payload: {} });
    m.type = this.bus.constants.TYPES.MSG_TEXT;
    m.payload = { text: options.payload.text };
    return m;
  }

  async sendMessage(
    message: FakeTimMessage,
    options?: { onlineUserOnly?: boolean },
  ): Promise<{ code: number; data: { message: FakeTimMessage } }> {
    this.bus.sent.push({ by: this.userID, instance: this, message, options });
    this.assertLoggedIn('sendMessage');
    if (this.netState !== this.bus.constants.TYPES.NET_STATE_CONNECTED) {
      message.status = 'fail';
      throw new FakeTimError(NETWORK_UNAVAILABLE, 'network unavailable');
    }
    if (!message || typeof message.ID !== 'string')
      throw new FakeTimError(2000, 'sendMessage: not a message');
    message.time = Math.floor(this.bus.now() / 1000);
    message._onlineOnlyFlag = options?.onlineUserOnly === true;
    try {
      this.bus._route(this, message, options?.onlineUserOnly === true);
    } catch (error) {
      message.status = 'fail';
      throw error;
    }
    message.status = 'success';
    return { code: 0, data: { message } };
  }

  async getConversationList(): Promise<{ code: number; data: { conversationList: unknown[] } }> {
    this.assertLoggedIn('getConversationList');
    const list = this.bus
      ._conversationsOf(this.userID)
      .flatMap((c) => {
        const last = c.messages.at(-1);
        if (!last) return [];
        return {
          conversationID: c.conversationID,
          type: c.type,
          unreadCount: c.unreadCount,
          lastMessage: {
            lastTime: last.time,
            lastSequence: c.messages.length,
            fromAccount: last.from,
            type: last.type,
            payload: clone(last.payload),
            messageForShow: '[custom message]',
            isRevoked: false,
          },
          ...(c.type === this.bus.constants.TYPES.CONV_GROUP
            ? { groupProfile: { groupID: c.peer } }
            : { userProfile: { userID: c.peer } }),
        };
      })
      .sort((a, b) => b.lastMessage.lastTime - a.lastMessage.lastTime);
    return { code: 0, data: { conversationList: list } };
  }

  async getMessageList(options: {
    conversationID: string;
    count?: number;
    nextReqMessageID?: string;
  }): Promise<{
    code: number;
    data: { messageList: FakeTimMessage[]; nextReqMessageID: string; isCompleted: boolean };
  }> {
    this.assertLoggedIn('getMessageList');
    const count = Math.min(Math.max(options.count ?? 15, 1), 15);
    const all = this.bus._conversation(this.userID, options.conversationID)?.messages ?? [];
    let end = all.length;
    if (options.nextReqMessageID) {
      const i = all.findIndex((m) => m.ID === options.nextReqMessageID);
      if (i >= 0) end = i;
    }
    const start = Math.max(0, end - count);
    const page = all.slice(start, end).map((m) => clone(m));
    const [first] = page;
    return {
      code: 0,
      data: {
        messageList: page,
        nextReqMessageID: start > 0 && first ? first.ID : '',
        isCompleted: start === 0,
      },
    };
  }

  async setMessageRead(options: {
    conversationID: string;
  }): Promise<{ code: number; data: Record<string, never> }> {
    this.assertLoggedIn('setMessageRead');
    const c = this.bus._conversation(this.userID, options.conversationID);
    if (c) c.unreadCount = 0;
    return { code: 0, data: {} };
  }

  async joinGroup(options: { groupID: string }): Promise<{ code: number; data: { status: string } }> {
    this.assertLoggedIn('joinGroup');
    this.bus._joinGroup(options.groupID, this.userID);
    return { code: 0, data: { status: 'JoinedSuccess' } };
  }

  async quitGroup(groupID: string): Promise<{ code: number; data: { groupID: string } }> {
    this.assertLoggedIn('quitGroup');
    this.bus._quitGroup(groupID, this.userID);
    return { code: 0, data: { groupID } };
  }

  /** Emits an SDK event on this instance as TIM would (`{name, data}`), for states the bus does not model. */
  simulate(eventName: string, data?: unknown): void {
    this.emit(eventName, data);
  }

  /** @internal */
  _enqueue(message: FakeTimMessage): void {
    this.inbox.push(message);
    this.scheduleFlush();
  }

  /** @internal */
  _kick(type: string): void {
    if (!this.isLoggedIn) return;
    this.doLogout();
    this.emit(this.bus.constants.EVENT.KICKED_OUT, { type });
  }

  /** @internal */
  _setNetState(state: string): void {
    this.netState = state;
    this.emit(this.bus.constants.EVENT.NET_STATE_CHANGE, { state });
    if (state === this.bus.constants.TYPES.NET_STATE_CONNECTED) this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    this.bus._later(() => {
      this.flushScheduled = false;
      if (!this.isLoggedIn) {
        this.inbox = [];
        return;
      }
      if (this.netState !== this.bus.constants.TYPES.NET_STATE_CONNECTED) return; // held until reconnected
      const batch = this.inbox;
      this.inbox = [];
      if (batch.length > 0) this.emit(this.bus.constants.EVENT.MESSAGE_RECEIVED, batch);
    });
  }

  private doLogout(): void {
    const wasLoggedIn = this.isLoggedIn;
    this.isLoggedIn = false;
    this.isReady = false;
    this.inbox = [];
    if (wasLoggedIn) this.emit(this.bus.constants.EVENT.SDK_NOT_READY);
  }

  private emit(name: string, data?: unknown): void {
    for (const { handler, context } of [...(this.listeners.get(name) ?? [])]) {
      handler.call(context, data === undefined ? { name } : { name, data });
    }
  }

  private assertLoggedIn(api: string): void {
    if (!this.isLoggedIn) throw new FakeTimError(NOT_LOGGED_IN, ` | ${api} | `);
  }

  private assertNotDestroyed(): void {
    if (this.isDestroyed) throw new FakeTimError(NOT_LOGGED_IN, 'instance destroyed');
  }
}
