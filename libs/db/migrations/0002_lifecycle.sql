-- The life of an order after routing: acceptance deadline, sites never to ask again,
-- the capacity it holds, and its rating.

alter table orders
  add column attempt           integer not null default 1,
  add column excluded_sites    text[] not null default '{}',
  add column accept_by         timestamptz,
  -- true while the order counts against its site's capacity (assigned .. handover)
  add column load_held         boolean not null default false,
  add column rating_score      integer check (rating_score between 1 and 5),
  add column rating_comment    text,
  add column rated_at          timestamptz;

update orders set load_held = true
  where site_id is not null and status in ('assigned', 'accepted', 'courier_assigned', 'locker_reserved');

create index orders_accept_by on orders (accept_by) where status = 'assigned';
-- The inbox: a site's orders, priority first, then oldest first.
create index orders_inbox on orders (site_id, status, created_at);
