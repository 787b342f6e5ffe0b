-- Certificates users upload for the custom domains of https tunnels whose TLS the node terminates. One per domain
-- (a new upload by its owner replaces it: renewal); the key is handed only to nodes, never shown by the REST API.
CREATE TABLE certificates (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    domain      text        NOT NULL,
    chain_pem   text        NOT NULL,
    key_pem     text        NOT NULL,
    subject     text        NOT NULL,
    issuer      text        NOT NULL,
    dns_names   text[]      NOT NULL,
    not_before  timestamptz NOT NULL,
    not_after   timestamptz NOT NULL,
    fingerprint text        NOT NULL,                -- SHA256:<base64> of the leaf, as nodes show theirs
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT certificates_domain_key UNIQUE (domain)
);
CREATE INDEX certificates_user_id_idx ON certificates (user_id);
