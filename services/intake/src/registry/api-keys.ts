import { createHash, randomBytes } from 'node:crypto';
import type { Queryable, Sql } from '@quarterhour/db';
import type { Role } from '@quarterhour/domain';

/** Who is calling: the key's id (never the key), its role, and the resource it is bound to. */
export interface Principal {
  keyId: string;
  role: Role;
  subjectId: string | null;
}

export interface IssuedKey {
  id: string;
  key: string;
  role: Role;
  name: string | null;
  subjectId: string | null;
}

/** The id of the row that holds the OPS_API_KEY of the environment. */
export const ENVIRONMENT_OPS_KEY_ID = 'key_environment_ops';

/** Keys are 192 random bits, so a fast hash is enough: there is nothing to brute-force. */
export function hashKey(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

export function newKey(role: Role): { id: string; key: string; hash: Buffer } {
  const key = `qh_${role}_${randomBytes(24).toString('base64url')}`;
  return { id: `key_${randomBytes(8).toString('hex')}`, key, hash: hashKey(key) };
}

interface KeyRow {
  id: string;
  role: Role;
  subject_id: string | null;
}

export class ApiKeyStore {
  constructor(private readonly sql: Sql) {}

  async findActive(key: string): Promise<Principal | null> {
    const [row] = await this.sql<KeyRow[]>`
      select id, role, subject_id from api_keys where key_hash = ${hashKey(key)} and revoked_at is null`;
    return row ? { keyId: row.id, role: row.role, subjectId: row.subject_id } : null;
  }

  /** Inserts a new key inside the caller's transaction; the plain key leaves only in the result. */
  async issue(tx: Queryable, role: Role, name: string | null, subjectId: string | null): Promise<IssuedKey> {
    const { id, key, hash } = newKey(role);
    await tx`insert into api_keys (id, key_hash, role, name, subject_id)
             values (${id}, ${hash}, ${role}, ${name}, ${subjectId})`;
    return { id, key, role, name, subjectId };
  }

  /** Many keys in one statement: bulk site creation makes thousands. */
  async issueMany(tx: Queryable, role: Role, subjectIds: string[]): Promise<Map<string, string>> {
    const keys = new Map<string, string>();
    const rows = subjectIds.map((subjectId) => {
      const { id, key, hash } = newKey(role);
      keys.set(subjectId, key);
      return { id, key_hash: hash, role, name: subjectId, subject_id: subjectId };
    });
    for (let i = 0; i < rows.length; i += 1000) {
      await tx`insert into api_keys ${tx(rows.slice(i, i + 1000), 'id', 'key_hash', 'role', 'name', 'subject_id')}`;
    }
    return keys;
  }

  /** Returns false when no such key exists; revoking twice is harmless. */
  async revoke(id: string): Promise<boolean> {
    const rows = await this.sql`
      update api_keys set revoked_at = coalesce(revoked_at, now()) where id = ${id} returning id`;
    return rows.length > 0;
  }

  /** Registers OPS_API_KEY as an ops key, replacing the one from an earlier start. */
  async registerEnvironmentOpsKey(key: string): Promise<void> {
    await this.sql`
      insert into api_keys (id, key_hash, role, name) values (${ENVIRONMENT_OPS_KEY_ID}, ${hashKey(key)}, 'ops', 'OPS_API_KEY')
      on conflict (id) do update set key_hash = excluded.key_hash, revoked_at = null`;
  }
}
