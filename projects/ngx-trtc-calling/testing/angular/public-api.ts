/*
 * Public API of ngx-trtc-calling/testing/angular: TestBed providers for CallingService over the
 * virtual network, and a mock CallingService for render-only component tests. A separate entry
 * point because it imports the Angular entry (and with it @angular/common and @angular/cdk,
 * partially compiled code that runs only where Angular's linker or JIT compiler does), while
 * ngx-trtc-calling/testing stays importable from plain Node.
 */
export {
  CallingTestingController,
  type CallingTestingOptions,
  type FlushUntilIdleOptions,
} from './calling-testing-controller';
export { provideCallingTesting } from './provide-calling-testing';
export { mockActiveCall, mockParticipant } from './mock-call-state';
export {
  MockCallingService,
  provideMockCalling,
  type MockCallingCall,
  type MockCallingOptions,
} from './mock-calling';
export { MockDeviceCheck } from './mock-device-check';
