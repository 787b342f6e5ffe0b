-- The node API: what a node reports about itself when it registers, the per-tunnel switches an owner controls,
-- the ordered feed of changes that nodes must act on, and the per-user version agents long-poll on.

ALTER TABLE nodes
    ADD COLUMN tunnel_host text,                      -- where agents connect, as the node reports it
    ADD COLUMN tunnel_port integer CHECK (tunnel_port BETWEEN 1 AND 65535),
    ADD COLUMN http_port   integer CHECK (http_port BETWEEN 1 AND 65535),
    ADD COLUMN https_port  integer CHECK (https_port BETWEEN 1 AND 65535),
    ADD COLUMN fingerprint text,                      -- SHA256:... of the node's TLS certificate
    ADD COLUMN version     text,
    ADD COLUMN registered_at timestamptz;

ALTER TABLE tunnels
    ADD COLUMN enabled    boolean NOT NULL DEFAULT true,
    ADD COLUMN basic_auth text,                       -- user:password visitors must send; given to agents and nodes only
    ADD COLUMN served_by  bigint REFERENCES nodes (id) ON DELETE SET NULL; -- the node that serves it now or last did

ALTER TABLE users
    ADD COLUMN tunnels_version bigint NOT NULL DEFAULT 0; -- bumped whenever the user's tunnels change

-- Changes nodes act on, in commit order: writers take one advisory lock before inserting, so a reader that saw
-- seq N never later finds a smaller seq committed.
CREATE TABLE node_events (
    seq       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind      text        NOT NULL CHECK (kind IN ('token_revoked', 'user_disabled', 'tunnel_disabled',
                                                   'tunnel_deleted', 'tunnel_kicked')),
    token_id  bigint,
    user_id   bigint,
    tunnel_id bigint,
    at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX node_events_at_idx ON node_events (at);
