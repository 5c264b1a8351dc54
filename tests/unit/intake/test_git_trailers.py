"""The trailer parser against the real ``git interpret-trailers --parse``."""

from __future__ import annotations

import os
import subprocess

from hypothesis import given, settings
from hypothesis import strategies as st

from intake.git_trailers import trailer_lines

GIT_ENV = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
LINES = [
    "Subject line", "", "  ", "Body text here", "Signed-off-by: Ann <ann@x.org>",
    "signed-off-by: Bo <bo@x.org>", "Co-authored-by: Cy <cy@x.org>",
    "    Signed-off-by: In <in@x.org>", "> Signed-off-by: Q <q@x.org>",
    "Reviewed-by : R <r@x>", "Key_with_underscore: v", "Fixes: #12",
    "(cherry picked from commit abc)", "# comment", "\tcontinued tab", " continued",
    "Conflicts:", "\tpath/file.c", "---", "--- a/file", "Signed-off-by:", "Bug: 1\r",
    "Acked-by: A Ü <ü@x>", "x: y: z", ": nokey", "Signed-off-by: Mid <m@x> and text",
    "# ------------------------ >8 ------------------------",
]  # fmt: skip


def git_parse(message: str, *, divider: bool = False) -> list[tuple[str, str]]:
    """What git itself reads as the trailers of ``message``."""
    command = ["git", "interpret-trailers", "--parse", *([] if divider else ["--no-divider"])]
    out = subprocess.run(
        command, input=message.encode(), capture_output=True, env=GIT_ENV, check=True, timeout=10
    ).stdout.decode()
    found = []
    for line in out.split("\n"):
        if line:
            key, _, value = line.partition(":")
            found.append((key, value.removeprefix(" ")))
    return found


messages = st.builds(
    lambda lines, end: "\n".join(lines) + end,
    st.lists(st.sampled_from(LINES), max_size=10),
    st.sampled_from(["", "\n", "\n\n"]),
)


@settings(max_examples=150, deadline=None)
@given(messages)
def test_commit_message_trailers_are_what_git_reads(message: str) -> None:
    assert trailer_lines(message) == git_parse(message)


def test_a_patch_divider_ends_the_message_only_when_asked() -> None:
    message = "Title\n\nSigned-off-by: Ann <ann@x.org>\n---\nSigned-off-by: Bo <bo@x.org>\n"
    assert trailer_lines(message, divider=True) == git_parse(message, divider=True)
    assert trailer_lines(message, divider=True) == [("Signed-off-by", "Ann <ann@x.org>")]
    assert trailer_lines(message) == git_parse(message)
    assert [v for _, v in trailer_lines(message)] == ["Ann <ann@x.org>", "Bo <bo@x.org>"]


def test_every_documented_case_matches_git() -> None:
    cases = [
        "Title\n\nBody\n\nSigned-off-by: A <a@x>\nCo-authored-by: B <b@x>\n",
        "Title\n\nSigned-off-by: Mid <m@x>\nmore body\n\nJust text.\n",
        "Title\n\nText\n  Signed-off-by: I <i@x>\n",
        "Title\n\n> Signed-off-by: Q <q@x>\n",
        "Title\n\nKey: one\n  two\n\tthree\n# comment\n\n",
        "Title\n\nSigned-off-by: A <a@x>\n\nConflicts:\n\tfile.c\n",
        "Signed-off-by: only a title <t@x>\n",
    ]
    for message in cases:
        assert trailer_lines(message) == git_parse(message), message
