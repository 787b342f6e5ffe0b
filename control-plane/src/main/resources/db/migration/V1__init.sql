-- The control plane's first schema. Applied migrations are never edited: every later change is a new V<n>__<what>.sql.
-- Uniqueness that users race for (usernames, subdomains, domains, ports) is decided here, by unique indexes, never by
-- application locks. Index and constraint names are part of the contract: the application maps them to messages.

CREATE TABLE users (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username             text        NOT NULL CHECK (username ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
    password_hash        text        NOT NULL,
    role                 text        NOT NULL DEFAULT 'user' CHECK (role IN ('admin', 'user')),
    disabled             boolean     NOT NULL DEFAULT false,
    must_change_password boolean     NOT NULL DEFAULT true,
    max_tunnels          integer     NOT NULL CHECK (max_tunnels >= 0),
    max_ports            integer     NOT NULL CHECK (max_ports >= 0),
    created_at           timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_username_key UNIQUE (username)
);

CREATE TABLE api_tokens (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         text        NOT NULL,
    prefix       text        NOT NULL,                -- the first characters of the secret, to recognise it by
    hash         text        NOT NULL,                -- sha256:<hex> of the whole secret; the secret is never stored
    scopes       text[]      NOT NULL CHECK (cardinality(scopes) > 0 AND scopes <@ ARRAY['tunnels', 'admin']),
    expires_at   timestamptz,
    last_used_at timestamptz,
    revoked_at   timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT api_tokens_hash_key UNIQUE (hash)
);
CREATE INDEX api_tokens_user_id_idx ON api_tokens (user_id);

CREATE TABLE nodes (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name              text        NOT NULL,
    public_host       text        NOT NULL,
    subdomain_host    text,                           -- tunnels get <subdomain>.<subdomain_host>
    port_min          integer     NOT NULL DEFAULT 20000,
    port_max          integer     NOT NULL DEFAULT 29999,
    credential_hash   text        NOT NULL,
    last_heartbeat_at timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT nodes_name_key UNIQUE (name),
    CONSTRAINT nodes_credential_hash_key UNIQUE (credential_hash),
    CONSTRAINT nodes_port_range_check CHECK (1 <= port_min AND port_min <= port_max AND port_max <= 65535)
);

CREATE TABLE tunnels (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id       bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name          text        NOT NULL,
    type          text        NOT NULL CHECK (type IN ('http', 'https', 'tcp', 'udp')),
    local_target  text        NOT NULL,               -- as the agent reports it, e.g. localhost:8080
    subdomain     text,
    custom_domain text,
    remote_port   integer CHECK (remote_port BETWEEN 1 AND 65535),
    node_id       bigint REFERENCES nodes (id) ON DELETE RESTRICT,
    state         text        NOT NULL DEFAULT 'offline' CHECK (state IN ('offline', 'online', 'disabled')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz,
    CONSTRAINT tunnels_user_name_key UNIQUE (user_id, name)
);
-- Two tunnels (even of one user, on one reservation) never serve the same address.
CREATE UNIQUE INDEX tunnels_subdomain_key ON tunnels (subdomain) WHERE subdomain IS NOT NULL;
CREATE UNIQUE INDEX tunnels_custom_domain_key ON tunnels (custom_domain) WHERE custom_domain IS NOT NULL;
CREATE UNIQUE INDEX tunnels_remote_port_key ON tunnels (type, coalesce(node_id, 0), remote_port)
    WHERE remote_port IS NOT NULL;

-- Who holds an address: an explicit reservation (tunnel_id NULL) or the claim of the tunnel that uses an address
-- nobody had reserved (deleted with the tunnel). Subdomains and domains are global; ports belong to a node
-- (node_id NULL: the control plane's default port range, for tunnels that name no node).
CREATE TABLE reservations (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       text        NOT NULL CHECK (kind IN ('subdomain', 'domain', 'tcp_port', 'udp_port')),
    value      text        NOT NULL,
    node_id    bigint REFERENCES nodes (id) ON DELETE CASCADE,
    tunnel_id  bigint REFERENCES tunnels (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT reservations_node_scope_check CHECK (node_id IS NULL OR kind IN ('tcp_port', 'udp_port'))
);
CREATE UNIQUE INDEX reservations_kind_value_node_key ON reservations (kind, value, coalesce(node_id, 0));
CREATE INDEX reservations_user_id_idx ON reservations (user_id);

CREATE TABLE audit_events (
    id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at     timestamptz NOT NULL DEFAULT now(),
    actor  text        NOT NULL,                      -- a username, or "anonymous" for failed sign-ins
    action text        NOT NULL,                      -- e.g. sign-in, token.create, user.update
    target text,
    ip     text,
    detail jsonb       NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_events_at_idx ON audit_events (at DESC);

CREATE TABLE traffic_samples (
    tunnel_id   bigint      NOT NULL REFERENCES tunnels (id) ON DELETE CASCADE,
    minute      timestamptz NOT NULL,                 -- the start of the minute the counts cover
    bytes_in    bigint      NOT NULL DEFAULT 0 CHECK (bytes_in >= 0),
    bytes_out   bigint      NOT NULL DEFAULT 0 CHECK (bytes_out >= 0),
    connections bigint      NOT NULL DEFAULT 0 CHECK (connections >= 0),
    PRIMARY KEY (tunnel_id, minute)
);
