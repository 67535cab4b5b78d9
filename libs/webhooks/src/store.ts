import { randomBytes } from 'node:crypto';
import type { Queryable } from '@quarterhour/db';

/** A webhook as the API shows it: never with its secret. */
export interface Webhook {
  id: string;
  /** The API key it belongs to (the key that registered it). */
  keyId: string;
  url: string;
  createdAt: string;
}

/** A message given up on after its last attempt. */
export interface DeadLetter {
  id: string;
  webhookId: string;
  orderId: string;
  seq: number;
  type: string;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  deadAt: string;
  /** The body that was sent, parsed. */
  payload: unknown;
}

export const WEBHOOK_ID_PATTERN = /^wh_[0-9a-f]{16}$/;

interface WebhookRow {
  id: string;
  platform_key_id: string;
  url: string;
  created_at: Date;
}

interface DeadLetterRow {
  id: string;
  webhook_id: string;
  order_id: string;
  seq: number;
  type: string;
  attempts: number;
  last_error: string | null;
  created_at: Date;
  dead_at: Date;
  body: string;
}

/**
 * Webhooks and their dead letters in PostgreSQL. `keyId` scopes every read and write to
 * one key's webhooks; null means every key's (ops).
 */
export class WebhookStore {
  constructor(private readonly sql: Queryable) {}

  async create(keyId: string, url: string, secret: string): Promise<Webhook> {
    const id = `wh_${randomBytes(8).toString('hex')}`;
    const [row] = await this.sql<WebhookRow[]>`
      insert into webhooks (id, platform_key_id, url, secret) values (${id}, ${keyId}, ${url}, ${secret})
      returning id, platform_key_id, url, created_at`;
    return webhookFromRow(row!);
  }

  async list(keyId: string | null): Promise<Webhook[]> {
    const rows = await this.sql<WebhookRow[]>`
      select id, platform_key_id, url, created_at from webhooks
      where ${keyId === null ? this.sql`true` : this.sql`platform_key_id = ${keyId}`}
      order by created_at, id`;
    return rows.map(webhookFromRow);
  }

  /** Deletes the webhook with its messages (pending ones are never sent). False when not found. */
  async remove(id: string, keyId: string | null): Promise<boolean> {
    const rows = await this.sql`
      delete from webhooks
      where id = ${id} and ${keyId === null ? this.sql`true` : this.sql`platform_key_id = ${keyId}`}
      returning id`;
    return rows.length > 0;
  }

  /** Newest first. */
  async deadLetters(filter: {
    keyId: string | null;
    webhookId?: string | undefined;
    orderId?: string | undefined;
    limit: number;
  }): Promise<DeadLetter[]> {
    const { sql } = this;
    const rows = await sql<DeadLetterRow[]>`
      select m.id, m.webhook_id, m.order_id, m.seq, m.type, m.attempts, m.last_error, m.created_at, m.dead_at, m.body
      from webhook_messages m join webhooks w on w.id = m.webhook_id
      where m.status = 'dead'
        and ${filter.keyId === null ? sql`true` : sql`w.platform_key_id = ${filter.keyId}`}
        and ${filter.webhookId === undefined ? sql`true` : sql`m.webhook_id = ${filter.webhookId}`}
        and ${filter.orderId === undefined ? sql`true` : sql`m.order_id = ${filter.orderId}`}
      order by m.dead_at desc, m.id
      limit ${filter.limit}`;
    return rows.map((row) => ({
      id: row.id,
      webhookId: row.webhook_id,
      orderId: row.order_id,
      seq: row.seq,
      type: row.type,
      attempts: row.attempts,
      lastError: row.last_error,
      createdAt: row.created_at.toISOString(),
      deadAt: row.dead_at.toISOString(),
      payload: JSON.parse(row.body),
    }));
  }
}

function webhookFromRow(row: WebhookRow): Webhook {
  return { id: row.id, keyId: row.platform_key_id, url: row.url, createdAt: row.created_at.toISOString() };
}
