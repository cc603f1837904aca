/**
 * An app that imports ngx-trtc-calling/tencent but never calls the factories must not load (and so,
 * built, must not bundle eagerly) tim-js-sdk or trtc-js-sdk: they are reached only through
 * `import()` on first use. The SDK modules are replaced by recording stand-ins here.
 */
const mockLoaded: string[] = [];

jest.mock('tim-js-sdk', () => {
  mockLoaded.push('tim-js-sdk');
  const listeners = new Set<string>();
  const instance = {
    on: (name: string) => listeners.add(name),
    off: (name: string) => listeners.delete(name),
    login: async () => ({ code: 0, data: { repeatLogin: true } }),
    logout: async () => ({ code: 0 }),
    destroy: async () => undefined,
    createCustomMessage: () => ({ ID: 'm1' }),
    sendMessage: async () => ({ code: 0, data: { message: { ID: 'm1', time: 1700000000 } } }),
    getConversationList: async () => ({ code: 0, data: { conversationList: [] } }),
    getMessageList: async () => ({ code: 0, data: { messageList: [] } }),
  };
  return {
    __esModule: true,
    default: {
      create: () => instance,
      TYPES: {
        MSG_CUSTOM: 'TIMCustomElem',
        MSG_PRIORITY_HIGH: 'High',
        CONV_C2C: 'C2C',
        CONV_GROUP: 'GROUP',
        NET_STATE_CONNECTED: 'connected',
        NET_STATE_CONNECTING: 'connecting',
        NET_STATE_DISCONNECTED: 'disconnected',
      },
      EVENT: {
        SDK_READY: 'sdkStateReady',
        SDK_NOT_READY: 'sdkStateNotReady',
        KICKED_OUT: 'kickedOut',
        NET_STATE_CHANGE: 'netStateChange',
        MESSAGE_RECEIVED: 'onMessageReceived',
      },
    },
  };
});

jest.mock('trtc-js-sdk', () => {
  mockLoaded.push('trtc-js-sdk');
  return {
    __esModule: true,
    default: {
      checkSystemRequirements: async () => ({ result: false }),
      createClient: () => {
        throw new Error('not expected');
      },
      createStream: () => {
        throw new Error('not expected');
      },
      getCameras: async () => [],
      getMicrophones: async () => [],
      getSpeakers: async () => [],
    },
  };
});

import { VIDEO_PROFILES } from 'ngx-trtc-calling/core';
import { timSignaling, trtcMedia } from 'ngx-trtc-calling/tencent';
import {
  expectNothingEscaped,
  installNoNetwork,
  type NoNetworkGuard,
} from './testing-doubles/no-network.test-util';

let guard: NoNetworkGuard;
beforeAll(() => (guard = installNoNetwork()));
afterAll(() => {
  expectNothingEscaped(guard);
  guard.uninstall();
});

describe('SDK loading', () => {
  it('loads nothing at import or construction, and each SDK on first use', async () => {
    const signaling = timSignaling({ SDKAppID: 1 });
    const media = trtcMedia({ SDKAppID: 1, mediaDevices: null });
    expect(mockLoaded).toEqual([]);

    await signaling.login({ userID: 'alice', userSig: 's' });
    expect(mockLoaded).toEqual(['tim-js-sdk']);
    await expect(signaling.send({ to: 'bob', conversationType: 'C2C', data: 'x' })).resolves.toEqual({
      id: 'm1',
      time: 1700000000000,
    });

    await expect(
      media.join({ roomID: 1, userID: 'alice', userSig: 's', video: false, profile: VIDEO_PROFILES['480p'] }),
    ).rejects.toMatchObject({ code: 60006 });
    expect(mockLoaded).toEqual(['tim-js-sdk', 'trtc-js-sdk']);
    signaling.destroy();
    media.destroy();
  });
});
