-- https tunnels: who terminates the visitors' TLS. 'passthrough' (the local service, reached by SNI) or 'node' (the
-- node, with its certificate for the host, then routed like http). Only https tunnels have it; NULL on the others.
ALTER TABLE tunnels
    ADD COLUMN tls_termination text,
    ADD CONSTRAINT tunnels_tls_termination_check
        CHECK (tls_termination IS NULL OR (type = 'https' AND tls_termination IN ('passthrough', 'node')));
