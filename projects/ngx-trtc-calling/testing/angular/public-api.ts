/*
 * Public API of ngx-trtc-calling/testing/angular: TestBed providers for CallingService over the
 * virtual network. A separate entry point because it imports the Angular entry (and with it
 * @angular/common and @angular/cdk, partially compiled code that runs only where Angular's
 * linker or JIT compiler does), while ngx-trtc-calling/testing stays importable from plain Node.
 */
export {
  CallingTestingController,
  provideCallingTesting,
  type CallingTestingOptions,
} from './provide-calling-testing';
