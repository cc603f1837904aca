/*
 * Public API of ngx-trtc-calling/tencent: adapters over tim-js-sdk and trtc-js-sdk.
 */
export {};
