/** The options of `ng add ngx-trtc-calling` (see schema.json). */
export interface NgAddOptions {
  /** The application to add calling to; the workspace's only or default one when absent. */
  readonly project?: string;
  /** Your own calling-server, or Tencent Cloud. */
  readonly backend?: 'self-hosted' | 'tencent';
  /** The calling-server's WebSocket URL (self-hosted). */
  readonly url?: string;
  /** The Tencent Cloud SDKAppID (tencent). */
  readonly sdkAppId?: number;
  /** Whether to create the sample call component. */
  readonly sampleComponent?: boolean;
  /** Folder of the sample component under `<sourceRoot>/app/`. */
  readonly path?: string;
}
