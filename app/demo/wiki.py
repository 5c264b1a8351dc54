"""The demo's wiki: project ``larder``, a community cookbook kept on a MediaWiki, so
that a report shows peer production that is not code.

A year of history is written as a MediaWiki dump (recipes, their talk pages,
templates, photos and a Lua module; a long tail of editors, anonymous cooks, a
tidying bot, vandalism and its reverts) and imported the way any wiki's dump is
(``intake.wiki``): each revision a contribution, the wiki's terms every editor's
CC BY-SA 4.0 grant. Deterministic for a given seed.
"""

from __future__ import annotations

import random
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

import asyncpg

from intake.wiki.importer import import_dump
from intake.wiki.writer import Saved, WikiInfo, WikiPage, write_dump
from ledger.register.projects import ProjectInput, create_project

SLUG = "larder"
TERMS = "CC-BY-SA-4.0"
INFO = WikiInfo("Larder", "larderwiki", "https://larder.invalid/wiki/Main_Page")
DISHES = ["Soda bread", "Lentil soup", "Kimchi", "Shakshuka", "Pierogi", "Dal", "Ratatouille",
          "Injera", "Pho", "Arepas", "Borscht", "Tamales", "Paella", "Bibimbap", "Gnocchi",
          "Jollof rice", "Falafel", "Tortilla", "Baklava", "Laksa"]  # fmt: skip
STEPS = ["Soak overnight.", "Toast the spices.", "Salt to taste.", "Rest the dough.",
         "Serve warm.", "Simmer gently.", "Season again.", "Knead for ten minutes."]  # fmt: skip


def _history(
    rng: random.Random, start: datetime, editors: list[tuple[str, int]], pages: int
) -> list[WikiPage]:
    weights = [1 / (rank + 1) for rank in range(len(editors))]
    found: list[WikiPage] = []
    rev = 1

    def when() -> datetime:
        return start + timedelta(days=rng.random() * 360, seconds=rng.randint(0, 86_399))

    def by(text: str, at: datetime) -> Saved:
        nonlocal rev
        rev += 1
        if rng.random() < 0.08:
            return Saved(rev, at, text, ip=f"192.0.2.{rng.randint(1, 254)}")
        name, user_id = rng.choices(editors, weights)[0]
        return Saved(rev, at, text, user=name, user_id=user_id)

    plans = [(0, DISHES[i % len(DISHES)] + (f" ({i // len(DISHES) + 1})" if i >= 20 else ""))
             for i in range(pages)]  # fmt: skip
    plans += [(1, DISHES[i]) for i in range(0, min(pages, 20), 2)]
    plans += [(10, "Recipe"), (10, "Ingredients"), (6, "Soda bread.jpg"), (6, "Dal.jpg")]
    plans += [(828, "Units")]
    for page_id, (namespace, title) in enumerate(plans, 1):
        times = sorted(when() for _ in range(rng.randint(2, 14)))
        text = f"'''{title}'''"
        saved: list[Saved] = []
        for at in times:
            if saved and rng.random() < 0.07:  # vandalism, and its revert soon after
                saved.append(Saved(rev + 1, at, text + " lol", ip="198.51.100.66"))
                rev += 1
                fixer = ("LarderBot", 2) if rng.random() < 0.5 else rng.choice(editors[:10])
                later = at + timedelta(minutes=rng.randint(1, 90))
                saved.append(Saved(rev + 1, later, text, user=fixer[0], user_id=fixer[1]))
                rev += 1
                continue
            text += " " + rng.choice(STEPS)
            saved.append(by(text, at))
        found.append(WikiPage(page_id, namespace, title, sorted(saved, key=lambda s: s.id)))
    return found


async def seed_wiki(
    pool: asyncpg.Pool, start: datetime, seed: int = 7, pages: int = 80
) -> dict[str, int]:
    """Create project ``larder`` and import its generated wiki history; the counts."""
    rng = random.Random(seed)
    async with pool.acquire() as conn, conn.transaction():
        project = await create_project(
            conn,
            ProjectInput(SLUG, "Larder", "A demo commons that is not code: a cookbook wiki.",
                         "https://larder.invalid", (), TERMS),
            "demo",
        )  # fmt: skip
    editors = [(f"Cook {i:02d}", 100 + i) for i in range(60)]
    history = _history(rng, start, editors, pages)
    with tempfile.TemporaryDirectory(prefix="commons-demo-wiki-") as folder:
        dump = Path(folder) / "larderwiki-pages-meta-history.xml.bz2"
        revisions = write_dump(dump, INFO, history)
        result = await import_dump(pool, project, dump, terms=TERMS)
    return {
        "wiki revisions": revisions,
        "wiki contributions": result.recorded,
        "wiki terms grants": result.grants,
    }
