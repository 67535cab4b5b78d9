import { z } from 'zod';
import { clientId } from './ids.ts';

export const ROLES = ['ops', 'platform', 'site', 'courier', 'locker'] as const;
export type Role = (typeof ROLES)[number];

/** Roles bound to one resource: their key acts only on that resource. */
export const SCOPED_ROLES: ReadonlySet<Role> = new Set(['site', 'courier', 'locker']);

export const apiKeyCreate = z
  .object({
    role: z.enum(ROLES),
    name: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters').optional(),
    subjectId: clientId.optional(),
  })
  .superRefine((body, ctx) => {
    if (SCOPED_ROLES.has(body.role) && !body.subjectId) {
      ctx.addIssue({
        code: 'custom',
        path: ['subjectId'],
        message: `a ${body.role} key needs the id of its ${body.role}`,
      });
    }
    if (!SCOPED_ROLES.has(body.role) && body.subjectId) {
      ctx.addIssue({ code: 'custom', path: ['subjectId'], message: `a ${body.role} key has no subject` });
    }
  });
