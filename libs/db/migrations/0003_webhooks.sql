-- Webhooks of platform keys, and the outbox of their messages (docs/WEBHOOKS.md).

create table webhooks (
  id               text primary key,
  platform_key_id  text not null references api_keys (id),
  url              text not null,
  -- The whsec_ secret as given: signing needs the key itself, so it cannot be stored hashed.
  secret           text not null,
  created_at       timestamptz not null default now()
);
create index webhooks_owner on webhooks (platform_key_id);

-- One row per status change per webhook, written in the transaction of the change so it
-- commits with it; the fulfilment service delivers them. `id` is the Standard Webhooks
-- `webhook-id`, the same on every retry. `body` is text, not jsonb, because it is the
-- exact byte sequence that is signed and sent (jsonb would reorder keys and spacing).
-- No foreign key to orders: every path that changes a status writes here, and the outbox
-- must never be what makes a transition fail; orders are never deleted.
create table webhook_messages (
  id               text primary key,
  webhook_id       text not null references webhooks (id) on delete cascade,
  order_id         text not null,
  -- 1, 2, 3 ... per (webhook, order): the delivery order
  seq              integer not null,
  type             text not null,
  body             text not null,
  status           text not null default 'pending' check (status in ('pending', 'delivered', 'dead')),
  attempts         integer not null default 0,
  last_error       text,
  last_attempt_at  timestamptz,
  created_at       timestamptz not null default now(),
  delivered_at     timestamptz,
  dead_at          timestamptz,
  unique (webhook_id, order_id, seq)
);
-- A pair's next message, and the sweep over pairs left pending.
create index webhook_messages_pending on webhook_messages (webhook_id, order_id, seq) where status = 'pending';
-- Dead letters, newest first, for ops.
create index webhook_messages_dead on webhook_messages (dead_at desc, id) where status = 'dead';
