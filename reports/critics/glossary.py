"""The report's glossary: what each figure means, with the CHAOSS metric it follows where
one exists. Every report carries it (``glossary``) and ``commons verify`` holds it to
this text, so a definition cannot be quietly changed in one report."""

from __future__ import annotations

_KB = "https://chaoss.community/kb/metric-"


def _entry(figure: str, term: str, definition: str, chaoss: str | None = None) -> dict[str, str]:
    found = {"figure": figure, "term": term, "definition": definition}
    if chaoss:
        found["chaoss"] = f"{_KB}{chaoss}/"
    return found


GLOSSARY: list[dict[str, str]] = [
    _entry("contributors.absence_factor", "Contributor absence factor",
           "The fewest contributors whose contributions (by count, and by credit) make up "
           "half of the period's; bots are never counted.", "contributor-absence-factor"),
    _entry("contributors.new_contributors", "New contributors",
           "People whose first counted contribution ever falls in the period.",
           "new-contributors"),
    _entry("contributors.mix", "Types of contributions",
           "The period's contributions by kind; code kinds are code, test, infra, platform, "
           "plugin and tool.", "types-of-contributions"),
    _entry("organisations.by_count", "Elephant factor",
           "The fewest organisations whose people made half of the affiliated "
           "contributions, by the affiliation valid on each contribution's day.",
           "elephant-factor"),
    _entry("quality.coverage", "Change request review coverage",
           "Of the change requests merged in the period, the share reviewed or approved by "
           "someone other than their author at or before the merge; self-merged ones "
           "(merged by their author) are counted and the latest listed.",
           "change-request-reviews"),
    _entry("quality.response", "Time to first response",
           "From an issue's opening (issues opened in the period) or a change request's "
           "opening (those merged in the period) to the first review or comment by someone "
           "else; and, for change requests, to the first review. Whole seconds; the median "
           "and 90th percentile are nearest-rank; threads not yet answered are counted "
           "apart.", "time-to-first-response"),
    _entry("quality.reverts", "Reverts",
           "Contributions of the period that undo earlier work (a commit saying 'This "
           "reverts commit <sha>', a wiki edit restoring an earlier revision), what they "
           "undid as a share of the period's contributions, by source and by who reverted."),
    _entry("quality.work", "Test and documentation share",
           "Contributions of the test kind, and of the doc and tutorial kinds, as shares of "
           "the period's contributions.", "types-of-contributions"),
    _entry("sustainability.retention", "Contributor retention by cohort",
           "Per quarter, the people whose first contribution ever fell in it, and how many "
           "of them contributed in each later quarter; those who did not have become "
           "inactive for that quarter.", "inactive-contributors"),
    _entry("sustainability.trend", "Absence and elephant factors per quarter",
           "The contributor absence factor and the elephant factor computed over each of "
           "the eight quarters ending with the period's (the last cut at the period's end).",
           "contributor-absence-factor"),
    _entry("sustainability.funding", "Funding runway and concentration",
           "Months of average spending the money held at the period's end covers, and the "
           "funding elephant factor per quarter, as the funding section states them.",
           "elephant-factor"),
    _entry("rules.share_by_vote", "Decisions by recorded vote",
           "Proposals of the period that passed or failed, as a share of those and of the "
           "changes made without a vote (a credit policy, a voting role, an expense approved "
           "by a maintainer, a project setting)."),
    _entry("rules.to_decision", "Time to decision",
           "From a proposal's creation to its close, for the period's decisions by vote; "
           "nearest-rank median and 90th percentile of whole seconds."),
    _entry("rules.participation", "Participation",
           "Of everyone in the electorate of a proposal closed in the period, the share whose "
           "ballot was counted at least once."),
    _entry("rules.turnout_trend", "Turnout per quarter",
           "Ballots counted over the electorates of the proposals closed in each quarter."),
    _entry("rules.vetoes", "Vetoes",
           "Consent and lazy-consensus proposals an objection stopped, with its reasons."),
    _entry("rules.in_force", "Rules in force",
           "At the period's end: the credit policy, every project setting, and per kind of "
           "proposal the method, parameters, quorum and electorate of the latest one, each "
           "with who or which proposal last set it."),
]  # fmt: skip
