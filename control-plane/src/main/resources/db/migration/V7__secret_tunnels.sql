-- Secret tunnels (stcp, sudp) and peer-to-peer ones (xtcp): reached by no public address, only by visitors. Who may
-- visit is stored (allow_users: user names; empty: anyone holding the secret); the secret itself is not: it stays
-- on the owner's machine and the visitors', and the two ends prove it to each other through the node.
ALTER TABLE tunnels DROP CONSTRAINT tunnels_type_check;
ALTER TABLE tunnels
    ADD CONSTRAINT tunnels_type_check CHECK (type IN ('http', 'https', 'tcp', 'udp', 'stcp', 'sudp', 'xtcp')),
    ADD COLUMN allow_users text[] NOT NULL DEFAULT '{}',
    ADD CONSTRAINT tunnels_allow_users_check
        CHECK (cardinality(allow_users) = 0 OR type IN ('stcp', 'sudp', 'xtcp'));
