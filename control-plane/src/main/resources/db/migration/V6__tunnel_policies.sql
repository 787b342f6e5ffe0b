-- Tunnel policies the node enforces (IP allow/deny lists, bandwidth and connection limits) and the PROXY protocol
-- header the agent writes toward the local service. Defaults mean "no policy", so existing tunnels keep working.
ALTER TABLE tunnels
    ADD COLUMN allow_ips       text[] NOT NULL DEFAULT '{}',
    ADD COLUMN deny_ips        text[] NOT NULL DEFAULT '{}',
    ADD COLUMN proxy_protocol  text   CHECK (proxy_protocol IN ('v1', 'v2')),
    ADD COLUMN bandwidth_limit bigint NOT NULL DEFAULT 0 CHECK (bandwidth_limit >= 0),
    ADD COLUMN max_connections integer NOT NULL DEFAULT 0 CHECK (max_connections >= 0);
