/*
 * @calling-internal/contract: the call contract, one set of call scenarios every backend must
 * pass, and the envs that run it. Workspace-internal test code (tsconfig `paths` + jest
 * `moduleNameMapper`), never part of the published package. The server env is not exported:
 * it starts a real calling-server, and only `server.contract.spec.ts` beside it uses it.
 */
export {
  CALL_FLOW,
  callContract,
  connectCall,
  names,
  payloads,
  rejection,
  ringCall,
  type ContractClient,
  type ContractEnv,
} from './call-contract';
export { delay, realTimeClient, realTimeWaits, type RealTimeClientOptions } from './real-time';
export { virtualEnv, type VirtualClientOptions, type VirtualEnv } from './virtual-env';
export {
  advancingClock,
  realClock,
  until,
  untilOn,
  type Until,
  type UntilClock,
  type UntilOptions,
} from './until';
