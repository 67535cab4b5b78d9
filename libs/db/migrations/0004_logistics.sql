-- Couriers and lockers (libs/logistics): the durable side of their hot state in Redis,
-- which is rebuilt from these tables when Redis loses it. See docs/FULFILMENT.md.

create table couriers (
  id          text collate "C" primary key,
  vehicle     text not null check (vehicle in ('walk', 'bike', 'ebike')),
  capacity    integer not null check (capacity between 1 and 10),
  status      text not null default 'offline' check (status in ('available', 'offline')),
  lat         double precision,
  lng         double precision,
  located_at  timestamptz,
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now(),
  check ((lat is null) = (lng is null))
);

-- Every courier an order has had. An assignment ends when it is released (delivered,
-- cancelled) or when the courier did not pick up in time; the latter excludes that
-- courier from the order for good. Order ids are not foreign keys: these rows follow
-- Redis decisions, and orders may move to time partitions.
create table courier_assignments (
  order_id         text not null,
  courier_id       text collate "C" not null references couriers (id),
  distance_meters  double precision not null,
  assigned_at      timestamptz not null,
  picked_up_at     timestamptz,
  ended_at         timestamptz,
  end_reason       text check (end_reason in ('released', 'pickup_timeout')),
  primary key (order_id, courier_id),
  check ((ended_at is null) = (end_reason is null))
);
create unique index courier_assignments_active on courier_assignments (order_id) where ended_at is null;
create index courier_assignments_by_courier on courier_assignments (courier_id) where ended_at is null;

create table lockers (
  id          text collate "C" primary key,
  lat         double precision not null,
  lng         double precision not null,
  cell        text not null,
  hold_hours  integer not null check (hold_hours between 1 and 720),
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now()
);

-- One row per compartment; a taken one names its order and pickup code. The unique
-- indexes back the Redis scripts: one compartment per order, codes unique per locker.
create table locker_compartments (
  locker_id     text collate "C" not null references lockers (id) on delete cascade,
  number        integer not null check (number between 1 and 9999),
  size          text not null check (size in ('S', 'M', 'L')),
  temperature   text not null check (temperature in ('ambient', 'chilled', 'frozen')),
  state         text not null default 'free' check (state in ('free', 'reserved', 'occupied')),
  order_id      text,
  pickup_code   text,
  reserved_at   timestamptz,
  deposited_at  timestamptz,
  expires_at    timestamptz,
  primary key (locker_id, number),
  check ((state = 'free') = (order_id is null)),
  check ((state = 'free') = (pickup_code is null))
);
create unique index locker_compartments_order on locker_compartments (order_id) where order_id is not null;
create unique index locker_compartments_code on locker_compartments (locker_id, pickup_code)
  where pickup_code is not null;

-- The order's current courier and locker, set by the lifecycle when it records them.
alter table orders
  add column if not exists courier_id text collate "C" references couriers (id),
  add column if not exists locker_id text collate "C" references lockers (id);
