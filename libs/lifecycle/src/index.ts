export type { StatusChange, StatusChangeListener } from './listener.ts';
