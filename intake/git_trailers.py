"""Git's rules for the trailer block of a commit message, as ``git interpret-trailers
--parse`` reads it (pure; git's ``trailer.c`` with its default configuration).

- The trailers are the last paragraph of the message, never the first (the title).
  Trailing comment lines (``#``), blank lines, an old ``Conflicts:`` block and
  everything after a scissors line are not part of the message.
- That paragraph is a trailer block when every line is a trailer (or continues
  one), or when it holds a git-generated line (``Signed-off-by: ``,
  ``(cherry picked from commit ``) and at least a quarter of its lines are trailers.
- A trailer is ``Key: value`` at the start of a line: the key is ASCII letters,
  digits and ``-``, then optional spaces before the colon. A line starting with
  white space continues the trailer above it (unfolded into one space).
- Commit messages are not patches: a ``---`` line is text, as in
  ``git log --format=%(trailers)``; ``divider=True`` stops at it like
  ``git interpret-trailers`` does on a patch.
"""

from __future__ import annotations

import re

SPACE = " \t\n\v\f\r"
COMMENT = "#"
SCISSORS = "# ------------------------ >8 ------------------------"
GENERATED = ("Signed-off-by: ", "(cherry picked from commit ")
_SPACES = frozenset(SPACE) - {"\n"}
_KEY = re.compile(r"[A-Za-z0-9-]+[ \t]*:")


def _blank(line: str) -> bool:
    return not line.strip(SPACE)


def _patch_start(lines: list[str], closed: bool) -> int:
    """The first ``---`` line followed by white space (a patch), else the end."""
    for i, line in enumerate(lines):
        if not line.startswith("---"):
            continue
        if line[3:4] in _SPACES or (len(line) == 3 and (closed or i < len(lines) - 1)):
            return i
    return len(lines)


def _message_end(lines: list[str], length: int, closed: bool) -> int:
    """``length`` less trailing comments, empty lines and an old ``Conflicts:`` block."""
    cutoff = length
    if SCISSORS in lines[:length]:
        for i in range(length):
            if lines[i] == SCISSORS and (closed or i < len(lines) - 1):
                cutoff = i
                break
    last = lines[cutoff - 1] if cutoff else ""
    if last and last[0] not in "#\t" and last != "Conflicts:":
        return cutoff  # a message ending in text: nothing trails it (most do)
    start = 0  # 0 means none, as in git (a run from the first line is not one)
    conflicts = False
    for i in range(cutoff):
        line = lines[i]
        if line.startswith(COMMENT) or not line:
            if not start:
                start = i
        elif line == "Conflicts:" and (closed or i < len(lines) - 1):
            conflicts = True
            if not start:
                start = i
        elif conflicts and line.startswith("\t"):
            pass
        elif start:
            start = 0
            conflicts = False
    return start if start else cutoff


def _block_start(lines: list[str], length: int) -> int:
    """The first line of the trailer block, or ``length`` when there is none."""
    title_end = length
    for i in range(length):
        if not lines[i].startswith(COMMENT) and _blank(lines[i]):
            title_end = i
            break
    only_spaces = True
    recognised = False
    trailers = others = continuations = 0
    for i in range(length - 1, title_end - 1, -1):
        line = lines[i]
        if line.startswith(COMMENT):
            others += continuations
            continuations = 0
        elif _blank(line):
            if only_spaces:
                continue
            others += continuations
            if (recognised and trailers * 3 >= others) or (trailers and not others):
                return i + 1
            return length
        else:
            only_spaces = False
            if line.startswith(GENERATED):
                trailers += 1
                continuations = 0
                recognised = True
            elif _KEY.match(line):
                trailers += 1
                continuations = 0
            elif line[0] in SPACE:
                continuations += 1
            else:
                others += 1 + continuations
                continuations = 0
    return length


def _unfold(value: str) -> str:
    """Continuation lines collapsed to single spaces, as git ``--unfold`` does."""
    if "\n" not in value:
        return value
    return re.sub(r"\n[ \t\n\v\f\r]*", " ", value).strip(SPACE)


def trailer_lines(message: str, *, divider: bool = False) -> list[tuple[str, str]]:
    """The (key, value) trailers of a message, in order, as git parses them."""
    lines = message.split("\n")
    closed = lines[-1] == ""  # the last line ends with a newline
    if closed:
        lines.pop()
    length = _patch_start(lines, closed) if divider else len(lines)
    end = _message_end(lines, length, closed)
    start = _block_start(lines, end)
    joined: list[str] = []
    last_is_trailer = False
    for line in lines[start:end]:
        if last_is_trailer and (not line or line[0] in SPACE):
            joined[-1] += "\n" + line
            continue
        joined.append(line)
        last_is_trailer = _KEY.match(line) is not None
    found = []
    for line in joined:
        match = _KEY.match(line)
        if match is not None and not line.startswith(COMMENT):
            key = line[: match.end() - 1].strip(SPACE)
            found.append((key, _unfold(line[match.end() :].strip(SPACE))))
    return found
