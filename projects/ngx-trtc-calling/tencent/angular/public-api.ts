/*
 * Public API of ngx-trtc-calling/tencent/angular: `withTencentCloud()` for `provideCalling()`.
 *
 * An entry of its own so that the primary Angular entry carries no `import()` of the Tencent
 * adapters: an app on the self-hosted backend then gets no Tencent chunk at all, not even an
 * unused lazy one.
 */
export {
  CALLING_TENCENT_LOADER,
  withTencentCloud,
  type TencentAdapters,
  type TencentCloudOptions,
} from './with-tencent-cloud';
