-- The web UI's state: failed password sign-ins (for the lock-out) and device-login requests (fluxctl login).

-- One row per failed password sign-in; a username with 5 rows in the last 15 minutes is locked. Rows of a
-- successful sign-in's username are deleted; older rows are pruned as new failures arrive.
CREATE TABLE sign_in_failures (
    id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username text        NOT NULL,
    at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sign_in_failures_username_at_idx ON sign_in_failures (username, at DESC);

-- A device asking for a token (RFC 8628 style). The device code is a bearer secret: only its hash is stored.
-- The token is issued when the device exchanges an approved code, so no token secret is ever stored here.
CREATE TABLE device_codes (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    device_code_hash text        NOT NULL,
    user_code        text        NOT NULL CHECK (user_code ~ '^[A-Z]{8}$'),
    client_name      text        NOT NULL,
    status           text        NOT NULL DEFAULT 'pending'
                                 CHECK (status IN ('pending', 'approved', 'denied', 'consumed')),
    user_id          bigint REFERENCES users (id) ON DELETE CASCADE,
    created_at       timestamptz NOT NULL DEFAULT now(),
    expires_at       timestamptz NOT NULL,
    last_polled_at   timestamptz,
    CONSTRAINT device_codes_device_code_hash_key UNIQUE (device_code_hash)
);
-- A user code is unique among the codes that can still be approved.
CREATE UNIQUE INDEX device_codes_user_code_pending_key ON device_codes (user_code) WHERE status = 'pending';
CREATE INDEX device_codes_expires_at_idx ON device_codes (expires_at);
