export { fpxIndirectAc } from './indirect-ac.ts';
