// The bundle budgets, checked by size-limit (`npm run test:budgets`): see scripts/bundle-size.mjs.
import { budgets } from './scripts/bundle-size.mjs';

export default budgets;
