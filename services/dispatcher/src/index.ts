export { type Dispatcher, type DispatcherOptions, startDispatcher } from './service.ts';
