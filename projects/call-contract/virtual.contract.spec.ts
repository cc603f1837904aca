import { callContract } from './call-contract';
import { virtualEnv } from './virtual-env';

callContract('VirtualNetwork', () => virtualEnv());
