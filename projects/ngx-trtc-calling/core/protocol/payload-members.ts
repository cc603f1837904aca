/*
 * The TRTCCalling payload's constants and member names (PROTOCOL.md §3.1, §7), ours included,
 * shared by the encoder and the decoder so both speak of one wire.
 */

export const PAYLOAD_VERSION = 4;
export const PAYLOAD_BUSINESS_ID = 'av_call';
export const PAYLOAD_PLATFORM = 'Web';
export const SWITCH_TO_AUDIO_MEMBER = 'switch_to_audio_call';
export const LINE_BUSY_MEMBER = 'line_busy';
export const LINE_BUSY_MESSAGE = 'lineBusy';
/** Ours: on a REJECT, the callee's media failed on accept (value: its cause, `""` if unknown). */
export const MEDIA_FAILED_MEMBER = 'media_failed';
/** Ours: on a switch request, the requester waits for the other user's answer. */
export const SWITCH_ASKS_MEMBER = 'switch_asks';
export const CMD_HANGUP = 'hangup';
export const CMD_SWITCH_TO_AUDIO = 'switchToAudio';
export const CMD_SWITCH_TO_VIDEO = 'switchToVideo';
