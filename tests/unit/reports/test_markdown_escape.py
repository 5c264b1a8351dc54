"""User text in the Markdown report is literal text: no HTML, no markup, no cell breaks."""

from __future__ import annotations

from reports.render.markdown import escape


def test_html_in_user_text_is_written_as_entities() -> None:
    assert escape('<img src=x onerror="alert(1)">') == (
        "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"
    )
    assert escape("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_markdown_punctuation_is_escaped_so_it_stays_text() -> None:
    assert escape("[click](https://evil.invalid) **now** a|b `x` ~~y~~ _z_") == (
        r"\[click\](https://evil.invalid) \*\*now\*\* a\|b \`x\` \~\~y\~\~ \_z\_"
    )


def test_user_text_stays_on_one_line() -> None:
    assert escape("one\n# two\r\nthree") == "one # two three"


def test_plain_names_and_figures_are_unchanged() -> None:
    assert escape("Kestrel Systems (asks for a roadmap commitment)") == (
        "Kestrel Systems (asks for a roadmap commitment)"
    )
    assert escape("12.5%") == "12.5%"
