/*
 * Public API of ngx-trtc-calling: the Angular layer.
 */
export * from 'ngx-trtc-calling/core';
