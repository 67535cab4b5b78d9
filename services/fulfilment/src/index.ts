export { type Fulfilment, type FulfilmentOptions, startFulfilment } from './service.ts';
