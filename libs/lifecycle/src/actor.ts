import type { Role } from '@quarterhour/domain';

/** Who asks for a transition: an API key's role and the resource it is bound to. */
export interface Actor {
  keyId: string;
  role: Role;
  subjectId: string | null;
}

/** The service itself (timers, workers): may do what its job needs. */
export const SYSTEM: Actor = { keyId: 'system', role: 'ops', subjectId: null };
