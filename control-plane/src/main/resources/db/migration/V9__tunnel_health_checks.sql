-- A tunnel's health check, run by the agent that serves it (a TCP connect, or an HTTP GET that must answer
-- expect_status); NULL type: none. While it fails the agent takes the tunnel off its node: out of its group, or, alone,
-- its HTTP host answers 503.
ALTER TABLE tunnels
    ADD COLUMN health_check_type          text CHECK (health_check_type IN ('tcp', 'http')),
    ADD COLUMN health_check_path          text,
    ADD COLUMN health_check_expect_status integer CHECK (health_check_expect_status BETWEEN 100 AND 599),
    ADD COLUMN health_check_interval      integer CHECK (health_check_interval BETWEEN 1 AND 3600),
    ADD COLUMN health_check_timeout       integer CHECK (health_check_timeout BETWEEN 1 AND 600),
    ADD COLUMN health_check_failures      integer CHECK (health_check_failures BETWEEN 1 AND 100);
