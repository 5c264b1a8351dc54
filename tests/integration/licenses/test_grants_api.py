from __future__ import annotations

import hashlib
from typing import Any

import asyncpg

from app.runtime import Runtime
from tests.conftest import GraphQL
from tests.integration.licenses.conftest import World

RECORD = """
mutation($input: RecordGrantInput!) {
  recordGrant(input: $input) {
    __typename
    ... on GrantPayload {
      replayed
      grant {
        number instrument grantee agreementVersion licenseExpression rights patentGrant
        exclusive ownershipRetained trademarkExcluded scope scopeFrom signatureMethod
        grantor { displayName } grantorOrganisation
      }
    }
    ... on ValidationError { message field }
    ... on NotFoundError { message }
    ... on ConflictError { message code }
    ... on ForbiddenError { message }
  }
}
"""
PUBLISH = """
mutation($input: PublishAgreementInput!) {
  publishAgreement(input: $input) {
    __typename
    ... on AgreementPayload { agreement { instrument version title sha256 } }
    ... on ValidationError { message field }
    ... on ForbiddenError { message }
  }
}
"""


def maintainer(runtime: Runtime) -> str:
    return runtime.tokens.issue("mia", roles={"demo": "maintainer"})


async def publish_icla(gql: GraphQL, token: str, text: str = "I grant a license.") -> Any:
    return await gql(
        PUBLISH,
        {
            "input": {
                "project": "demo",
                "instrument": "ICLA",
                "title": "Individual CLA",
                "text": text,
                "effectiveFrom": "2025-01-01T00:00:00Z",
            }
        },
        token,
    )


def icla_input(contributor: int, key: str = "icla-1", **extra: Any) -> dict[str, Any]:
    return {
        "input": {
            "project": "demo",
            "idempotencyKey": key,
            "instrument": "ICLA",
            "grantorContributor": contributor,
            "licenseExpression": "apache-2.0",
            "patentGrant": True,
            "scopeFrom": "2025-01-01T00:00:00Z",
            "signatureMethod": "typed name",
            **extra,
        }
    }


async def test_a_maintainer_publishes_an_icla_and_records_a_grant_under_it(
    gql: GraphQL, runtime: Runtime, world: World
) -> None:
    token = maintainer(runtime)
    published = await publish_icla(gql, token)
    assert published["data"]["publishAgreement"]["agreement"]["version"] == 1
    body = await gql(RECORD, icla_input(world.ada), token)
    assert body == {
        "data": {
            "recordGrant": {
                "__typename": "GrantPayload",
                "replayed": False,
                "grant": {
                    "number": 1,
                    "instrument": "ICLA",
                    "grantee": "STEWARD",
                    "agreementVersion": 1,
                    "licenseExpression": "Apache-2.0",
                    "rights": [
                        "REPRODUCE",
                        "MODIFY",
                        "DISTRIBUTE",
                        "SUBLICENSE",
                        "PERFORM_DISPLAY",
                    ],
                    "patentGrant": True,
                    "exclusive": False,
                    "ownershipRetained": True,
                    "trademarkExcluded": True,
                    "scope": "from_date",
                    "scopeFrom": "2025-01-01T00:00:00+00:00",
                    "signatureMethod": "typed name",
                    "grantor": {"displayName": "Ada"},
                    "grantorOrganisation": None,
                },
            }
        }
    }
    again = await gql(RECORD, icla_input(world.ada), token)
    assert again["data"]["recordGrant"]["replayed"] is True


async def test_a_contributor_signs_an_icla_only_for_themselves(
    gql: GraphQL, runtime: Runtime, world: World
) -> None:
    await publish_icla(gql, maintainer(runtime))
    ada = runtime.tokens.issue("ada", contributor_id=world.ada)
    mine = await gql(RECORD, icla_input(world.ada, signatureMethod=None), ada)
    assert mine["data"]["recordGrant"]["grant"]["signatureMethod"] == "authenticated token"
    theirs = await gql(RECORD, icla_input(world.bob, key="icla-2"), ada)
    assert theirs["data"]["recordGrant"] == {
        "__typename": "ForbiddenError",
        "message": "maintainers record grants; contributors may sign an ICLA for themselves",
    }
    explicit = await gql(RECORD, icla_input(world.ada, key="x", instrument="EXPLICIT"), ada)
    assert explicit["data"]["recordGrant"]["__typename"] == "ForbiddenError"


async def test_bad_grant_inputs_get_typed_errors_and_write_nothing(
    gql: GraphQL, runtime: Runtime, world: World, pool: asyncpg.Pool
) -> None:
    token = maintainer(runtime)
    await publish_icla(gql, token)
    cases = [
        (
            icla_input(world.ada, licenseExpression="MIT OR Foo"),
            {
                "__typename": "ValidationError",
                "message": "unknown license 'Foo' at position 7: not an SPDX id, LicenseRef- or DocumentRef-",
                "field": "licenseExpression",
            },
        ),
        (
            icla_input(world.ada, licenseExpression="LicenseRef-Acme"),
            {
                "__typename": "ValidationError",
                "message": "LicenseRef-Acme has no license text in this project; add it first",
                "field": "licenseExpression",
            },
        ),
        (
            icla_input(world.ada, contributions=[1]),
            {
                "__typename": "ValidationError",
                "message": "give either contributions or scopeFrom",
                "field": "scopeFrom",
            },
        ),
        (
            icla_input(world.ada, agreementVersion=7),
            {
                "__typename": "NotFoundError",
                "message": "no icla agreement text (version 7) is published",
            },
        ),
        (
            icla_input(world.ada, instrument="CCLA"),
            {
                "__typename": "ValidationError",
                "message": "a corporate CLA is granted by an organisation",
                "field": "grantorOrganisation",
            },
        ),
        (
            icla_input(99999),
            {
                "__typename": "NotFoundError",
                "message": "a referenced record does not exist (grants_grantor_contributor_id_fkey)",
            },
        ),
        (
            icla_input(world.ada, rights=[]),
            {
                "__typename": "ValidationError",
                "message": "a grant names at least one right",
                "field": "rights",
            },
        ),
    ]
    for variables, expected in cases:
        body = await gql(RECORD, variables, token)
        assert body == {"data": {"recordGrant": expected}}
    assert await pool.fetchval("SELECT count(*) FROM grants") == 0


async def test_a_license_ref_is_accepted_once_its_text_is_stored(
    gql: GraphQL, runtime: Runtime, world: World
) -> None:
    token = maintainer(runtime)
    update = """
    mutation($license: String!) {
      updateProject(input: {slug: "demo", outboundLicense: $license}) {
        __typename
        ... on ProjectPayload { project { outboundLicense } }
        ... on ValidationError { message field }
      }
    }
    """
    refused = await gql(update, {"license": "LicenseRef-Acme OR mit"}, token)
    assert refused["data"]["updateProject"] == {
        "__typename": "ValidationError",
        "message": "value refused by rule projects_outbound_license_refs",
        "field": "",
    }
    added = await gql(
        """
        mutation {
          addLicenseText(input: {project: "demo", licenseRef: "LicenseRef-Acme",
                                 name: "Acme License", text: "You may do anything."}) {
            __typename
            ... on LicenseTextPayload { licenseText { licenseRef sha256 } }
          }
        }
        """,
        token=token,
    )
    assert added["data"]["addLicenseText"]["licenseText"] == {
        "licenseRef": "LicenseRef-Acme",
        "sha256": hashlib.sha256(b"You may do anything.").hexdigest(),
    }
    accepted = await gql(update, {"license": "LicenseRef-Acme OR mit"}, token)
    assert accepted["data"]["updateProject"] == {
        "__typename": "ProjectPayload",
        "project": {"outboundLicense": "LicenseRef-Acme OR MIT"},
    }


async def test_inbound_outbound_grants_take_the_project_license_and_are_nodes(
    gql: GraphQL, runtime: Runtime, world: World
) -> None:
    token = maintainer(runtime)
    await gql(
        PUBLISH,
        {
            "input": {
                "project": "demo",
                "instrument": "INBOUND_OUTBOUND",
                "title": "Contribution terms",
                "text": "Contributions are licensed under the project's license.",
                "effectiveFrom": "2025-01-01T00:00:00Z",
            }
        },
        token,
    )
    variables = icla_input(world.bob, key="io", instrument="INBOUND_OUTBOUND")
    del variables["input"]["licenseExpression"]
    body = await gql(RECORD, variables, token)
    grant = body["data"]["recordGrant"]["grant"]
    assert (grant["instrument"], grant["licenseExpression"]) == (
        "INBOUND_OUTBOUND",
        "GPL-2.0-or-later",
    )
    other = await gql(
        RECORD, icla_input(world.bob, key="io2", instrument="INBOUND_OUTBOUND"), token
    )
    assert other["data"]["recordGrant"] == {
        "__typename": "ValidationError",
        "message": "an inbound_outbound grant is under the project's license GPL-2.0-or-later",
        "field": "licenseExpression",
    }
    node = await gql('{ grants(project: "demo") { nodes { id coversUntil } } }')
    (listed,) = node["data"]["grants"]["nodes"]
    assert listed["coversUntil"] is None
    fetched = await gql(
        "query($id: ID!) { node(id: $id) { __typename ... on Grant { number scope } } }",
        {"id": listed["id"]},
    )
    assert fetched == {"data": {"node": {"__typename": "Grant", "number": 1, "scope": "from_date"}}}


async def test_a_replayed_key_with_other_facts_is_a_conflict(
    gql: GraphQL, runtime: Runtime, world: World
) -> None:
    token = maintainer(runtime)
    await publish_icla(gql, token)
    await gql(RECORD, icla_input(world.ada), token)
    body = await gql(RECORD, icla_input(world.ada, licenseExpression="MIT"), token)
    assert body["data"]["recordGrant"] == {
        "__typename": "ConflictError",
        "message": "idempotency key was already used for a different grant",
        "code": "idempotency_mismatch",
    }


async def test_a_newer_agreement_version_closes_the_window_of_older_acceptances(
    gql: GraphQL, runtime: Runtime, world: World
) -> None:
    token = maintainer(runtime)
    await publish_icla(gql, token)
    await gql(RECORD, icla_input(world.ada), token)
    second = await gql(
        PUBLISH,
        {
            "input": {
                "project": "demo",
                "instrument": "ICLA",
                "title": "Individual CLA",
                "text": "I grant a license, version two.",
                "effectiveFrom": "2030-06-01T00:00:00Z",
            }
        },
        token,
    )
    assert second["data"]["publishAgreement"]["agreement"]["version"] == 2
    body = await gql('{ grants(project: "demo") { nodes { agreementVersion coversUntil } } }')
    assert body["data"]["grants"]["nodes"] == [
        {"agreementVersion": 1, "coversUntil": "2030-06-01T00:00:00+00:00"}
    ]
    earlier = await gql(
        PUBLISH,
        {
            "input": {
                "project": "demo",
                "instrument": "ICLA",
                "title": "Individual CLA",
                "text": "Backdated.",
                "effectiveFrom": "2030-03-01T00:00:00Z",
            }
        },
        token,
    )
    assert earlier["data"]["publishAgreement"] == {
        "__typename": "ValidationError",
        "message": "effectiveFrom must be after version 2's (2030-06-01T00:00:00.000000Z)",
        "field": "effectiveFrom",
    }
    backdated = await publish_icla(gql, token, "Backdated text.")
    assert backdated["data"]["publishAgreement"] == {
        "__typename": "ValidationError",
        "message": "a new version takes effect now or later: acceptances of the old one keep "
        "covering work already made",
        "field": "effectiveFrom",
    }
