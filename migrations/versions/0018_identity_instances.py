"""Identities per forge server: an account is keyed by (source, host, external id), so
user 1 of one Gitea and user 1 of another are two people; a commit email remembers
the forge account that vouched for it; a forge connection may name its server.

- ``identities.host``: the forge server the account lives on (``github.com``,
  ``gitlab.example.org``, with a port when not the default); empty for sources that
  have no servers (commit emails, wikis, record files).
- ``identities.vouch_source`` / ``vouch_host``: for a commit email, the forge and
  server whose account ``login`` the forge itself matched to the email (a push's
  ``author.username``), so that the account, when it first arrives, joins the same
  person.
- ``forge_connections.base_url``: the server a connection's deliveries come from,
  for payloads that name no repository address.

Existing forge identities get their host from the deliveries that named their
account (the payload's repository ``html_url``, project ``web_url``, ``links``, or
GitLab's ``X-Gitlab-Instance``), else from the evidence URLs of their contributions,
else the forge's public server (``github.com``, ``gitlab.com``, ``bitbucket.org``).
An identity that deliveries from several servers named was two people made one: the
row keeps the server seen first, and each other server's account becomes an identity
of a new contributor recorded as merged into the first (a ``contributor_merges`` row
by ``migration:0018`` listing that identity and the contributions of the projects
that server's deliveries came to), so that unmerging it separates them. Nothing
moves until then: the register reads as before and as the journal says. The new
identity is known to the projects whose deliveries named it (``identity_projects``),
takes the account's name or login, else its number (never an account id), and no
one erased is split.

Revision ID: 0018
Revises: 0015
"""

import sqlparse
from alembic import op

revision = "0018"
down_revision = "0019"
branch_labels = None
depends_on = None

# The host of an http(s) address: lower case, without user info, path or default port.
_HOST = (
    "lower(regexp_replace(substring({0} from "
    "'^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#]*@)?([^/?#]+)'), ':(80|443)$', ''))"
)
FORGES = "('github', 'gitlab', 'gitea', 'forgejo', 'bitbucket', 'standard')"

UPGRADE = rf"""
ALTER TABLE forge_connections ADD COLUMN base_url text
    CHECK (base_url ~ '^https?://[^/?#@[:space:]]+(/[^?#[:space:]]*)?$');

ALTER TABLE identities
    ADD COLUMN host text NOT NULL DEFAULT ''
        CHECK (host = lower(host) AND length(host) <= 255 AND host !~ '[/@[:space:]]'),
    ADD COLUMN vouch_source text,
    ADD COLUMN vouch_host text,
    ADD CONSTRAINT identities_vouch CHECK ((vouch_source IS NULL) = (vouch_host IS NULL));

-- The JSON payload of a stored delivery (None for a form body or a purged one).
CREATE FUNCTION pg_temp.commons_payload(body bytea, headers jsonb) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF body IS NULL
        OR coalesce(headers ->> 'content-type', '') LIKE 'application/x-www-form-urlencoded%'
    THEN
        RETURN NULL;
    END IF;
    RETURN convert_from(body, 'UTF8')::jsonb;
EXCEPTION WHEN others THEN
    RETURN NULL;
END $$;

-- Each stored delivery's server, as its payload (or GitLab's header) names it.
CREATE TEMPORARY TABLE delivery_hosts AS
SELECT d.project_id, d.id, d.forge, p.payload, {_HOST.format("u.url")} AS host
FROM webhook_inbox d
CROSS JOIN LATERAL (SELECT pg_temp.commons_payload(d.body, d.headers) AS payload) p
CROSS JOIN LATERAL (SELECT coalesce(
    p.payload #>> '{{repository,html_url}}',
    p.payload #>> '{{project,web_url}}',
    p.payload #>> '{{repository,homepage}}',
    p.payload #>> '{{repository,links,html,href}}',
    p.payload #>> '{{data,repository}}',
    d.headers ->> 'x-gitlab-instance'
) AS url) u;
DELETE FROM delivery_hosts WHERE host IS NULL OR host = '';

-- The accounts each delivery names: user objects, and GitLab's bare user ids.
CREATE TEMPORARY TABLE delivery_accounts AS
SELECT DISTINCT d.project_id, d.id AS delivery_id, d.forge, d.host, v #>> '{{}}' AS account
FROM delivery_hosts d
CROSS JOIN LATERAL unnest(CASE
    WHEN d.forge = 'gitlab' THEN ARRAY[
        'lax $.** ? (exists(@.username)).id', '$.object_attributes.author_id', '$.user_id'
    ]
    WHEN d.forge = 'bitbucket' THEN ARRAY['lax $.** ? (exists(@.display_name)).uuid']
    WHEN d.forge = 'standard' THEN ARRAY['$.data.author.id', 'lax $.** ? (exists(@.login)).id']
    ELSE ARRAY['lax $.** ? (exists(@.login)).id']
END::jsonpath[]) AS path
CROSS JOIN LATERAL jsonb_path_query(d.payload, path) AS v
WHERE jsonb_typeof(v) IN ('number', 'string');

-- Every server each forge identity was seen on, in the order first seen.
CREATE TEMPORARY TABLE identity_hosts AS
SELECT i.id AS identity_id, a.host, min(a.delivery_id) AS first_seen,
    array_agg(DISTINCT a.project_id) AS projects
FROM identities i JOIN delivery_accounts a ON a.forge = i.source AND a.account = i.external_id
GROUP BY i.id, a.host;

-- Else the one server most of its contributions' evidence points at.
INSERT INTO identity_hosts (identity_id, host, first_seen, projects)
SELECT DISTINCT ON (e.identity_id) e.identity_id, e.host, 0, '{{}}'::bigint[]
FROM (
    SELECT i.id AS identity_id, {_HOST.format("c.evidence_url")} AS host, count(*) AS n
    FROM identities i
    JOIN contributors p ON p.id = i.contributor_id
    JOIN contributions c ON c.source = i.source
        AND c.contributor_id IN (p.id, coalesce(p.merged_into, p.id))
    WHERE i.source IN {FORGES}
        AND NOT EXISTS (SELECT 1 FROM identity_hosts h WHERE h.identity_id = i.id)
    GROUP BY 1, 2
) e
WHERE e.host IS NOT NULL AND e.host <> ''
ORDER BY e.identity_id, e.n DESC, e.host;

UPDATE identities i SET host = h.host
FROM (
    SELECT DISTINCT ON (identity_id) identity_id, host FROM identity_hosts
    ORDER BY identity_id, first_seen, host
) h
WHERE i.id = h.identity_id;
UPDATE identities SET host = CASE source
    WHEN 'github' THEN 'github.com' WHEN 'gitlab' THEN 'gitlab.com'
    WHEN 'bitbucket' THEN 'bitbucket.org' ELSE '' END
WHERE host = '' AND source IN {FORGES};

ALTER TABLE identities DROP CONSTRAINT identities_source_external_key,
    ADD CONSTRAINT identities_instance_key UNIQUE (source, host, external_id);

-- A commit email linked through the forge's own match keeps who vouched for it.
UPDATE identities g SET vouch_source = f.source, vouch_host = f.host
FROM identities f
WHERE g.source = 'git' AND g.login IS NOT NULL AND g.email_verified
    AND f.contributor_id = g.contributor_id AND f.source IN {FORGES}
    AND lower(f.login) = lower(g.login);

-- Accounts of other servers that shared the row: a person of their own, merged
-- into the first until a maintainer unmerges them.
DO $$
DECLARE
    seen record;
    person bigint;
    twin bigint;
    moved jsonb;
BEGIN
    FOR seen IN
        SELECT h.host, h.projects, i.source, i.external_id, i.login, i.display_name,
            coalesce(p.merged_into, p.id) AS canonical, p.is_bot
        FROM identity_hosts h
        JOIN identities i ON i.id = h.identity_id
        JOIN contributors p ON p.id = i.contributor_id
        LEFT JOIN contributors q ON q.id = p.merged_into
        WHERE h.host <> i.host AND p.erased_at IS NULL AND q.erased_at IS NULL
        ORDER BY h.identity_id, h.first_seen, h.host
    LOOP
        person := nextval(pg_get_serial_sequence('contributors', 'id'));
        INSERT INTO contributors (id, display_name, is_bot, merged_into) OVERRIDING SYSTEM VALUE
        VALUES (
            person, coalesce(seen.display_name, seen.login, 'Contributor ' || person),
            seen.is_bot, seen.canonical
        );
        INSERT INTO identities (contributor_id, source, host, external_id, login, display_name)
        VALUES (person, seen.source, seen.host, seen.external_id, seen.login, seen.display_name)
        RETURNING id INTO twin;
        INSERT INTO identity_projects (project_id, identity_id, how)
        SELECT unnest(seen.projects), twin, 'observed' ON CONFLICT DO NOTHING;
        SELECT coalesce(jsonb_object_agg(m.project_id::text, m.ids), '{{}}'::jsonb) INTO moved
        FROM (
            SELECT c.project_id, jsonb_agg(c.id ORDER BY c.id) AS ids
            FROM contributions c
            WHERE c.project_id = any(seen.projects) AND c.source = seen.source
                AND c.contributor_id = seen.canonical
                AND (c.evidence_url IS NULL OR {_HOST.format("c.evidence_url")} = seen.host)
            GROUP BY c.project_id
        ) m;
        INSERT INTO contributor_merges (source_id, target_id, previous_parent,
            moved_identities, moved_children, moved_contributions, actor)
        VALUES (person, seen.canonical, NULL, ARRAY[twin], '{{}}', moved, 'migration:0018');
    END LOOP;
END $$;

DROP TABLE identity_hosts, delivery_accounts, delivery_hosts;
DROP FUNCTION pg_temp.commons_payload(bytea, jsonb);

CREATE INDEX identities_login ON identities (source, host, lower(login))
    WHERE login IS NOT NULL;
CREATE INDEX identities_vouched ON identities (vouch_source, vouch_host, lower(login))
    WHERE vouch_source IS NOT NULL;
"""

# Back to one row per (source, external id): accounts of a second server keep their
# row, their external id suffixed with their host.
DOWNGRADE = """
DROP INDEX identities_vouched, identities_login;
ALTER TABLE identities DROP CONSTRAINT identities_instance_key;
UPDATE identities a SET external_id = left(a.external_id || '@' || a.host, 255)
WHERE EXISTS (
    SELECT 1 FROM identities b
    WHERE b.source = a.source AND b.external_id = a.external_id AND b.id < a.id
);
ALTER TABLE identities ADD CONSTRAINT identities_source_external_key
    UNIQUE (source, external_id);
ALTER TABLE identities DROP CONSTRAINT identities_vouch,
    DROP COLUMN vouch_host, DROP COLUMN vouch_source, DROP COLUMN host;
ALTER TABLE forge_connections DROP COLUMN base_url;
"""


def _run(script: str) -> None:
    for statement in sqlparse.split(script):
        op.get_bind().exec_driver_sql(statement)


def upgrade() -> None:
    _run(UPGRADE)


def downgrade() -> None:
    _run(DOWNGRADE)
