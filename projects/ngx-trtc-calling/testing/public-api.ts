/*
 * Public API of ngx-trtc-calling/testing: the virtual network and marble helpers.
 */
export {};
