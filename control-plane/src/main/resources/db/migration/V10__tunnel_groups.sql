-- Load-balancing groups: tunnels of one type (tcp or http) that share one address (a subdomain/domain, or a port of
-- one node) and among which the node spreads connections and requests. A group is joined by whoever holds its key,
-- the founder's other tunnels and other users' alike (as frp's groupKey); only the key's SHA-256 is stored.
-- Group names are global, like the nodes' own group names.
CREATE EXTENSION IF NOT EXISTS btree_gist;  -- a trusted extension: the database owner may create it

CREATE TABLE tunnel_groups (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       text        NOT NULL CHECK (name ~ '^[a-z0-9][a-z0-9_-]{0,63}$'),
    type       text        NOT NULL CHECK (type IN ('tcp', 'http')),
    key_hash   text        NOT NULL,                  -- sha256:<hex> of the group key; the key is never stored
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT tunnel_groups_name_key UNIQUE (name)
);

ALTER TABLE tunnels ADD COLUMN group_id bigint REFERENCES tunnel_groups (id) ON DELETE RESTRICT;
CREATE INDEX tunnels_group_id_idx ON tunnels (group_id) WHERE group_id IS NOT NULL;

-- One holder per address, as before, where a holder is now a tunnel outside any group or one whole group: two rows
-- on one address conflict unless both belong to the same group (an ungrouped row's "group" is its own negated id).
-- The constraints keep the unique indexes' names, which the application maps to "... is taken".
DROP INDEX tunnels_subdomain_key;
DROP INDEX tunnels_custom_domain_key;
DROP INDEX tunnels_remote_port_key;
ALTER TABLE tunnels
    ADD CONSTRAINT tunnels_subdomain_key EXCLUDE USING gist (
        subdomain WITH =, (coalesce(group_id, -id)) WITH <>) WHERE (subdomain IS NOT NULL),
    ADD CONSTRAINT tunnels_custom_domain_key EXCLUDE USING gist (
        custom_domain WITH =, (coalesce(group_id, -id)) WITH <>) WHERE (custom_domain IS NOT NULL),
    ADD CONSTRAINT tunnels_remote_port_key EXCLUDE USING gist (
        type WITH =, (coalesce(node_id, 0)) WITH =, remote_port WITH =, (coalesce(group_id, -id)) WITH <>)
        WHERE (remote_port IS NOT NULL);
