import { callContract } from './call-contract.test-util';
import { virtualEnv } from './virtual-env.test-util';

callContract('VirtualNetwork', () => virtualEnv());
