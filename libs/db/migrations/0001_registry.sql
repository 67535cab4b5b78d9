-- The registry that routing reads (sites, stock, keys) and the durable record of orders.
-- Ids chosen by clients compare by code point, hence COLLATE "C" on every such column.

create table sites (
  id                          text collate "C" primary key,
  name                        text not null,
  kind                        text not null check (kind in ('store', 'provider')),
  formats                     text[] not null,
  chain                       boolean not null default false,
  lat                         double precision not null,
  lng                         double precision not null,
  cell                        text not null,
  timezone                    text not null,
  opening_hours               jsonb,
  capacity                    integer not null,
  acceptance_mode             text not null check (acceptance_mode in ('auto', 'manual')),
  acceptance_timeout_seconds  integer not null,
  services                    text[] not null default '{}',
  status                      text not null default 'open' check (status in ('open', 'paused')),
  created_at                  timestamptz not null default now(),
  updated_at                  timestamptz not null default now()
);
create index sites_cell on sites (cell);

create table api_keys (
  id          text primary key,
  key_hash    bytea not null unique,
  role        text not null check (role in ('ops', 'platform', 'site', 'courier', 'locker')),
  name        text,
  subject_id  text collate "C",
  created_at  timestamptz not null default now(),
  revoked_at  timestamptz
);
create index api_keys_subject on api_keys (role, subject_id) where subject_id is not null;

-- Durable on-hand per site and SKU. Reservations live in Redis and in orders (stock_held).
create table stock (
  site_id     text collate "C" not null references sites (id) on delete cascade,
  sku         text collate "C" not null,
  on_hand     integer not null check (on_hand between 0 and 1000000),
  updated_at  timestamptz not null default now(),
  primary key (site_id, sku)
);

create table orders (
  id                  text primary key,
  platform_key_id     text not null references api_keys (id),
  external_id         text collate "C" not null,
  request_hash        text not null,
  status              text not null,
  unroutable_reason   text,
  items               jsonb,
  service_type        text,
  customer_lat        double precision not null,
  customer_lng        double precision not null,
  cell                text not null,
  fulfilment          text not null,
  priority            text not null,
  max_walk_minutes    double precision not null,
  parcel              jsonb,
  site_id             text collate "C" references sites (id),
  distance_meters     double precision,
  walk_minutes        double precision,
  -- true while the order's items are reserved at site_id (between routing and handover)
  stock_held          boolean not null default false,
  created_at          timestamptz not null default now(),
  updated_at          timestamptz not null default now(),
  unique (platform_key_id, external_id)
);
create index orders_site_status on orders (site_id, status, created_at);
create index orders_stock_held on orders (site_id) where stock_held;

create table order_events (
  order_id  text not null references orders (id) on delete cascade,
  seq       integer not null,
  type      text not null,
  at        timestamptz not null default now(),
  data      jsonb not null default '{}',
  primary key (order_id, seq)
);
