from __future__ import annotations

from intake.bots import is_bot
from intake.trailers import Person, parse_author, parse_trailers


def test_trailers_are_read_case_insensitively_and_deduplicated() -> None:
    message = (
        "Subject\n\nBody text\n\n"
        "Co-authored-by: Ada <ADA@example.org>\n"
        "co-authored-by: Ada L. <ada@example.org>\n"
        "Signed-off-by: Bob <bob@example.org>\n"
        "SIGNED-OFF-BY: Bob <Bob@Example.org>\n"
    )
    found = parse_trailers(message)
    assert found.co_authors == (Person("Ada", "ada@example.org"),)
    assert found.signoffs == (Person("Bob", "bob@example.org"),)


def test_the_author_is_not_their_own_co_author() -> None:
    found = parse_trailers("x\n\nCo-authored-by: Me <me@example.org>", "ME@example.org")
    assert found.co_authors == ()


def test_a_trailer_without_an_email_is_not_a_person() -> None:
    assert parse_trailers("x\n\nSigned-off-by: nobody").signoffs == ()


def test_raw_authors_split_into_name_and_normalised_email() -> None:
    assert parse_author("Emma Jones <Emma@Example.com>") == Person("Emma Jones", "emma@example.com")
    assert parse_author("no email here") is None


def test_bots_are_recognised_by_login_address_type_and_project_list() -> None:
    assert is_bot("dependabot[bot]", None, None)
    assert is_bot(None, None, "49699333+dependabot[bot]@users.noreply.github.com")
    assert is_bot("renovate", None, None)
    assert is_bot("ci-user", None, None, "Bot")
    assert is_bot("project_12_bot_5f3a", None, None)
    assert is_bot("deploy-robot", None, None, extra=("deploy-robot",))
    assert not is_bot("octocat", "Octo Cat", "octocat@users.noreply.github.com", "User")


def test_a_sign_off_in_the_body_indented_or_quoted_is_not_a_trailer() -> None:
    message = (
        "Fix the parser\n\n"
        "Signed-off-by: Mid Body <mid@example.org>\n"
        "was how the old commit was signed.\n\n"
        "    Signed-off-by: Indented <indented@example.org>\n"
        "> Signed-off-by: Quoted <quoted@example.org>\n"
    )
    assert parse_trailers(message).signoffs == ()


def test_a_sign_off_in_the_last_paragraph_is_a_trailer_even_beside_text() -> None:
    # git accepts a block holding a git-generated trailer and >= 25% trailers
    message = "Title\n\nBody\n\nTested on two boards.\nSigned-off-by: Ann <ann@example.org>\n"
    assert parse_trailers(message).signoffs == (Person("Ann", "ann@example.org"),)


def test_a_trailer_continued_on_the_next_line_is_one_value() -> None:
    message = "Title\n\nCo-authored-by: Ada\n  Lovelace <ada@example.org>\n"
    assert parse_trailers(message).co_authors == (Person("Ada Lovelace", "ada@example.org"),)


def test_a_sign_off_line_swallowed_by_a_continuation_is_not_a_second_person() -> None:
    message = (
        "Title\n\nCo-authored-by: Ada <ada@example.org>\n  Signed-off-by: Bo <bo@example.org>\n"
    )
    found = parse_trailers(message)
    assert (found.co_authors, found.signoffs) == ((), ())


def test_a_message_that_is_only_a_title_has_no_trailers() -> None:
    assert parse_trailers("Signed-off-by: Ann <ann@example.org>").signoffs == ()


def test_a_trailer_naming_several_people_names_each() -> None:
    message = "x\n\nCo-authored-by: Gijs <gijs@example.org>, Sam Karp <sam@example.org>\n"
    found = parse_trailers(message)
    assert found.co_authors == (
        Person("Gijs", "gijs@example.org"),
        Person("Sam Karp", "sam@example.org"),
    )
