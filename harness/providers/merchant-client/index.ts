export { CHARGES_PATH, REFUNDS_PATH, merchantClient } from './client-request.ts';
