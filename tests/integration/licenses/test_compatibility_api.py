from __future__ import annotations

from tests.conftest import GraphQL

QUERY = """
query($in: String!, $out: String!) {
  licenseCompatibility(inbound: $in, outbound: $out) {
    __typename
    ... on LicenseCompatibility {
      inbound outbound status reason sources decidedBy disputed warnings
      findings {
        inbound outbound status decidedBy rule sources disputed
        opinions { source status verdict reason sources }
      }
    }
    ... on ValidationError { message field }
  }
}
"""
OSADL = "https://www.osadl.org/Access-to-raw-data.oss-compliance-raw-data-access.0.html"
APACHE = [
    "https://www.apache.org/licenses/GPL-compatibility.html",
    "https://www.gnu.org/licenses/license-list.html#apache2",
]


async def test_a_verdict_names_who_decided_and_what_osadl_says(gql: GraphQL) -> None:
    body = await gql(QUERY, {"in": "apache-2.0", "out": "GPL-2.0-only"})
    reason = (
        "Apache-2.0's patent termination and indemnification terms are further restrictions "
        "that GPL-2.0 does not allow"
    )
    osadl = (
        "Incompatibility of the Apache-2.0 license with the GPL-2.0-only license is explicitly "
        "stated in the GPL-2.0-only license checklist."
    )
    assert body == {
        "data": {
            "licenseCompatibility": {
                "__typename": "LicenseCompatibility",
                "inbound": "Apache-2.0",
                "outbound": "GPL-2.0-only",
                "status": "INCOMPATIBLE",
                "reason": reason,
                "sources": APACHE,
                "decidedBy": ["PROJECT"],
                "disputed": False,
                "warnings": [],
                "findings": [
                    {
                        "inbound": "Apache-2.0",
                        "outbound": "GPL-2.0-only",
                        "status": "INCOMPATIBLE",
                        "decidedBy": "PROJECT",
                        "rule": "apache-gpl2",
                        "sources": APACHE,
                        "disputed": False,
                        "opinions": [
                            {
                                "source": "OSADL",
                                "status": "INCOMPATIBLE",
                                "verdict": "No",
                                "reason": osadl,
                                "sources": [OSADL],
                            }
                        ],
                    }
                ],
            }
        }
    }


async def test_a_disagreement_shows_both_sources(gql: GraphQL) -> None:
    body = await gql(QUERY, {"in": "Apache-2.0", "out": "MIT"})
    answer = body["data"]["licenseCompatibility"]
    assert (answer["status"], answer["decidedBy"], answer["disputed"]) == (
        "INCOMPATIBLE",
        ["PROJECT"],
        True,
    )
    (finding,) = answer["findings"]
    assert [(o["source"], o["status"], o["verdict"]) for o in finding["opinions"]] == [
        ("OSADL", "COMPATIBLE", "Yes")
    ]


async def test_an_or_later_outbound_refuses_gpl2_only_code(gql: GraphQL) -> None:
    body = await gql(QUERY, {"in": "GPL-2.0", "out": "GPL-2.0+"})
    answer = body["data"]["licenseCompatibility"]
    assert (answer["inbound"], answer["outbound"], answer["status"], answer["decidedBy"]) == (
        "GPL-2.0-only",
        "GPL-2.0-or-later",
        "INCOMPATIBLE",
        ["OSADL"],
    )
    assert answer["warnings"] == [
        "inbound: 'GPL-2.0' is deprecated: read as 'GPL-2.0-only' (position 0)",
        "outbound: 'GPL-2.0+' is deprecated: read as 'GPL-2.0-or-later' (position 0)",
    ]


async def test_invalid_expressions_are_validation_errors_naming_the_position(
    gql: GraphQL,
) -> None:
    cases = [
        ({"in": "MIT", "out": "GPL-2.0-only AND ("}, "outbound", "at position 18"),
        ({"in": "MIT AND ()", "out": "MIT"}, "inbound", "found ')' at position 9"),
        ({"in": "MIT OR Apache-2.0 OR", "out": "MIT"}, "inbound", "at position 20"),
        ({"in": "MIT oR ISC", "out": "MIT"}, "inbound", "operator 'oR' must be"),
    ]
    for variables, field, fragment in cases:
        body = await gql(QUERY, variables)
        answer = body["data"]["licenseCompatibility"]
        assert (answer["__typename"], answer["field"]) == ("ValidationError", field)
        assert fragment in answer["message"]
