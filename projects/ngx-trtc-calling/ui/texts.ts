import { type EnvironmentProviders, InjectionToken, makeEnvironmentProviders } from '@angular/core';
import type { CallingErrorReason } from 'ngx-trtc-calling';

/** An error in plain words: what happened, and what the user can do about it. */
export interface CallUiErrorText {
  readonly message: string;
  readonly hint: string;
}

/**
 * Every user-facing text of the UI kit. Texts that name someone or something are functions, so a
 * translation can put the name where its grammar wants it.
 */
export interface CallUiTexts {
  // ---- call types and people
  readonly audioCall: string;
  readonly videoCall: string;
  /** The local user, on their own tile. */
  readonly you: string;
  /** The accessible name of a user's avatar. */
  readonly avatarOf: (name: string) => string;

  // ---- call screen
  readonly callScreen: string;
  readonly selfView: string;
  readonly videoOf: (name: string) => string;
  readonly screenOf: (name: string) => string;
  readonly yourScreen: string;
  readonly muted: string;
  readonly cameraOff: string;
  readonly speaking: string;
  readonly waitingFor: (name: string) => string;
  readonly connecting: string;
  readonly callDuration: string;
  /** Announced when someone joins the call. */
  readonly joined: (name: string) => string;
  /** Announced when someone leaves the call. */
  readonly left: (name: string) => string;
  readonly startedSharing: (name: string) => string;
  /** Network quality on TRTC's scale: index 0 unknown … 6 disconnected. */
  readonly networkQuality: readonly [string, string, string, string, string, string, string];
  readonly networkQualityOf: (name: string, quality: string) => string;

  // ---- controls
  readonly controls: string;
  readonly mute: string;
  readonly unmute: string;
  readonly cameraTurnOff: string;
  readonly cameraTurnOn: string;
  readonly switchToAudio: string;
  readonly switchToVideo: string;
  readonly shareScreen: string;
  readonly stopSharing: string;
  readonly chooseCamera: string;
  readonly chooseMicrophone: string;
  readonly chooseSpeaker: string;
  readonly defaultDevice: string;
  readonly noDevices: string;
  readonly enterFullscreen: string;
  readonly exitFullscreen: string;
  readonly enterPictureInPicture: string;
  readonly exitPictureInPicture: string;
  readonly hangUp: string;
  readonly switchAsked: (name: string, to: 'audio' | 'video') => string;
  readonly acceptSwitch: string;
  readonly declineSwitch: string;

  // ---- connection banner
  readonly reconnecting: string;
  readonly reconnected: string;
  readonly signalingLost: string;

  // ---- device check
  readonly deviceCheck: string;
  readonly cameraPreview: string;
  readonly noCameraPreview: string;
  readonly microphoneLevel: string;
  readonly testSpeaker: string;
  readonly playingTestTone: string;
  readonly permissionCamera: string;
  readonly permissionMicrophone: string;
  readonly permissionStates: Readonly<Record<PermissionState | 'unknown', string>>;
  readonly permissionDeniedHint: string;
  readonly startDeviceCheck: string;
  readonly stopDeviceCheck: string;

  // ---- incoming and outgoing calls
  readonly incomingCall: (name: string, callType: string) => string;
  readonly incomingGroupCall: (name: string, callType: string, others: number) => string;
  readonly accept: string;
  readonly acceptAsAudio: string;
  readonly decline: string;
  readonly ringsFor: (seconds: number) => string;
  readonly shortcutsHint: string;
  readonly calling: (name: string) => string;
  readonly ringing: string;
  readonly offline: (name: string) => string;
  readonly busy: (name: string) => string;
  readonly declined: (name: string) => string;
  readonly noAnswer: (name: string) => string;
  readonly callEnded: string;
  /** The outgoing screen after the caller cancelled. */
  readonly callCanceled: string;
  readonly cancel: string;
  readonly close: string;
  /** The tab title while a call rings in a hidden tab. */
  readonly ringingTitle: (name: string) => string;
  readonly notificationTitle: (name: string, callType: string) => string;
  readonly notificationBody: string;

  // ---- errors
  readonly errorTitle: string;
  readonly dismiss: string;
  /** Every error reason of the library in plain words, with a hint (`callingErrorReason`). */
  readonly errors: Readonly<Record<CallingErrorReason, CallUiErrorText>>;
}

const TRY_AGAIN = 'Try again in a moment.';

/** The English texts, the default of `CALL_UI_TEXTS`. */
export const DEFAULT_CALL_UI_TEXTS: CallUiTexts = {
  audioCall: 'audio call',
  videoCall: 'video call',
  you: 'You',
  avatarOf: (name) => name,

  callScreen: 'Call',
  selfView: 'Your camera',
  videoOf: (name) => `${name}’s video`,
  screenOf: (name) => `${name}’s screen`,
  yourScreen: 'You are sharing your screen',
  muted: 'Muted',
  cameraOff: 'Camera off',
  speaking: 'Speaking',
  waitingFor: (name) => `Waiting for ${name}…`,
  connecting: 'Connecting…',
  callDuration: 'Call duration',
  joined: (name) => `${name} joined the call`,
  left: (name) => `${name} left the call`,
  startedSharing: (name) => `${name} is sharing their screen`,
  networkQuality: ['Unknown', 'Excellent', 'Good', 'Fair', 'Poor', 'Very poor', 'Disconnected'],
  networkQualityOf: (name, quality) => `${name}: network ${quality.toLowerCase()}`,

  controls: 'Call controls',
  mute: 'Mute microphone',
  unmute: 'Unmute microphone',
  cameraTurnOff: 'Turn camera off',
  cameraTurnOn: 'Turn camera on',
  switchToAudio: 'Switch to audio call',
  switchToVideo: 'Switch to video call',
  shareScreen: 'Share your screen',
  stopSharing: 'Stop sharing your screen',
  chooseCamera: 'Choose camera',
  chooseMicrophone: 'Choose microphone',
  chooseSpeaker: 'Choose speaker',
  defaultDevice: 'Default',
  noDevices: 'No devices found',
  enterFullscreen: 'Full screen',
  exitFullscreen: 'Exit full screen',
  enterPictureInPicture: 'Picture in picture',
  exitPictureInPicture: 'Exit picture in picture',
  hangUp: 'Hang up',
  switchAsked: (name, to) => `${name} asks to switch to ${to === 'video' ? 'a video' : 'an audio'} call`,
  acceptSwitch: 'Switch',
  declineSwitch: 'Keep as is',

  reconnecting: 'Reconnecting…',
  reconnected: 'Reconnected',
  signalingLost: 'Connection lost. Trying to reconnect…',

  deviceCheck: 'Check your camera and microphone',
  cameraPreview: 'Camera preview',
  noCameraPreview: 'No camera preview',
  microphoneLevel: 'Microphone level',
  testSpeaker: 'Play test sound',
  playingTestTone: 'Playing test sound…',
  permissionCamera: 'Camera',
  permissionMicrophone: 'Microphone',
  permissionStates: {
    granted: 'allowed',
    denied: 'blocked',
    prompt: 'not asked yet',
    unknown: 'unknown',
  },
  permissionDeniedHint:
    'Allow access in your browser: click the camera icon or the padlock in the address bar, then reload the page.',
  startDeviceCheck: 'Check devices',
  stopDeviceCheck: 'Done',

  incomingCall: (name, callType) => `${name} is calling you (${callType})`,
  incomingGroupCall: (name, callType, others) =>
    `${name} invites you to a group ${callType} with ${others} other${others === 1 ? '' : 's'}`,
  accept: 'Accept',
  acceptAsAudio: 'Accept with audio only',
  decline: 'Decline',
  ringsFor: (seconds) => `Rings for ${seconds} more second${seconds === 1 ? '' : 's'}`,
  shortcutsHint: 'While this panel has focus: A to accept, D or Escape to decline.',
  calling: (name) => `Calling ${name}…`,
  ringing: 'Ringing…',
  offline: (name) => `${name} is offline. The call rings if they come online.`,
  busy: (name) => `${name} is in another call.`,
  declined: (name) => `${name} declined the call.`,
  noAnswer: (name) => `${name} did not answer.`,
  callEnded: 'Call ended',
  callCanceled: 'Call cancelled',
  cancel: 'Cancel',
  close: 'Close',
  ringingTitle: (name) => `📞 ${name} is calling`,
  notificationTitle: (name, callType) => `${name} is calling (${callType})`,
  notificationBody: 'Open the tab to answer.',

  errorTitle: 'Something went wrong',
  dismiss: 'Dismiss',
  errors: {
    invalidArgument: {
      message: 'That value is not valid.',
      hint: 'Check the user ID or group ID and try again.',
    },
    wrongState: {
      message: 'That cannot be done right now.',
      hint: 'Wait for the current call to finish, or answer it first.',
    },
    notLoggedIn: { message: 'You are not signed in.', hint: 'Sign in, then try again.' },
    sendFailed: { message: 'The message could not be sent.', hint: `Check your connection. ${TRY_AGAIN}` },
    loginFailed: {
      message: 'Signing in failed.',
      hint: 'Check your user ID and credentials, and your connection.',
    },
    mediaFailed: {
      message: 'Your camera or microphone could not be started.',
      hint: 'Close other apps that use them, then try again.',
    },
    noMicrophone: {
      message: 'No microphone was found.',
      hint: 'Plug in a microphone or headset, then try again.',
    },
    noCamera: {
      message: 'No camera was found.',
      hint: 'Plug in a camera, or make an audio call instead.',
    },
    mediaAccessDenied: {
      message: 'Your browser blocked the camera or microphone.',
      hint: 'Click the camera icon or the padlock in the address bar, allow access, then reload the page.',
    },
    screenShareDenied: {
      message: 'Screen sharing was not started.',
      hint: 'Choose a screen, window or tab to share, and allow it if your browser asks.',
    },
    notSupported: {
      message: 'This is not supported here.',
      hint: 'Use a recent version of Chrome, Edge, Firefox or Safari.',
    },
    switchFailed: {
      message: 'The call could not be switched.',
      hint: 'The call goes on as it was. Try again in a moment.',
    },
    switchRefused: {
      message: 'The other person kept the call as it is.',
      hint: 'The call goes on as it was.',
    },
    switchTimeout: {
      message: 'The other person did not answer the switch.',
      hint: 'The call goes on as it was. Try again in a moment.',
    },
    invalidSignal: {
      message: 'A message from the other side could not be read.',
      hint: 'The other person may use an incompatible app version.',
    },
    destroyed: { message: 'Calling has been shut down.', hint: 'Reload the page.' },
    notReady: { message: 'Calling is still starting.', hint: TRY_AGAIN },
    requestTimeout: {
      message: 'The server did not answer in time.',
      hint: `Check your connection. ${TRY_AGAIN}`,
    },
    connectionLost: { message: 'The connection was lost.', hint: 'Check your internet connection.' },
    loginConflict: {
      message: 'You signed in somewhere else.',
      hint: 'Sign in again here to take calls on this device.',
    },
    badReply: { message: 'The server sent an unexpected answer.', hint: TRY_AGAIN },
    alreadyJoined: { message: 'You are already in this call.', hint: 'Hang up first to join again.' },
    joinAborted: { message: 'Joining the call was interrupted.', hint: TRY_AGAIN },
    notInRoom: { message: 'You are not in a call.', hint: 'Start or answer a call first.' },
    autoplayBlocked: {
      message: 'The browser blocked sound or video from playing.',
      hint: 'Click anywhere on the page to start playback.',
    },
    connectionFailed: {
      message: 'The call could not connect.',
      hint: 'A firewall or VPN may block calls. Try another network.',
    },
    operationFailed: { message: 'That did not work.', hint: TRY_AGAIN },
    kickedOut: {
      message: 'You were signed out because you signed in elsewhere.',
      hint: 'Sign in again to use calling here.',
    },
    sdkFailed: { message: 'The calling service reported an error.', hint: 'Reload the page and try again.' },
    roomFull: { message: 'The call is full.', hint: 'Ask someone to leave, or start a smaller call.' },
    rateLimited: { message: 'Too many attempts.', hint: 'Wait a minute, then try again.' },
    serverRefused: {
      message: 'The server refused the request.',
      hint: 'Sign in again; if it keeps happening, contact the app’s support.',
    },
  },
};

/** Every user-facing text of the kit; English unless the app provides its own (`provideCallUiTexts`). */
export const CALL_UI_TEXTS = new InjectionToken<CallUiTexts>('CALL_UI_TEXTS', {
  providedIn: 'root',
  factory: () => DEFAULT_CALL_UI_TEXTS,
});

/** What `provideCallUiTexts` takes: any texts, and any error texts, over the English defaults. */
export type CallUiTextOverrides = Partial<Omit<CallUiTexts, 'errors'>> & {
  readonly errors?: Partial<CallUiTexts['errors']>;
};

/**
 * Replaces texts of the kit; the rest stay English.
 *
 * @example
 * provideCallUiTexts({ hangUp: 'Auflegen', errors: { noCamera: { message: 'Keine Kamera.', hint: 'Kamera anschließen.' } } })
 */
export function provideCallUiTexts(texts: CallUiTextOverrides): EnvironmentProviders {
  return makeEnvironmentProviders([{ provide: CALL_UI_TEXTS, useValue: mergeCallUiTexts(texts) }]);
}

/** The default texts with `texts` over them (the error table merged per reason). */
export function mergeCallUiTexts(texts: CallUiTextOverrides): CallUiTexts {
  return {
    ...DEFAULT_CALL_UI_TEXTS,
    ...texts,
    errors: { ...DEFAULT_CALL_UI_TEXTS.errors, ...texts.errors },
  };
}

/** The plain-words text of an error (by its `reason`; `mediaFailed`'s for a reason the table lacks). */
export function callErrorText(
  texts: CallUiTexts,
  error: { readonly reason: CallingErrorReason },
): CallUiErrorText {
  return texts.errors[error.reason] ?? texts.errors.mediaFailed;
}
