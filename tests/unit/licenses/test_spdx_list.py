"""The SPDX list in use is the newest any dependency bundles, and every deprecated id
on it has a reading."""

from __future__ import annotations

import json
from importlib.resources import files

from licenses.spdx import LIST_VERSION, catalogue, check
from licenses.spdx.catalogue import NO_SUCCESSOR


def number(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def bundled_by_license_expression() -> str:
    about = files("license_expression").joinpath("data", "license_key_index.json.ABOUT")
    (line,) = [x for x in about.read_text().splitlines() if x.startswith("spdx_license_list")]
    return line.split(":", 1)[1].strip()


def bundled_by_reuse() -> str:
    data = json.loads(files("reuse").joinpath("resources", "licenses.json").read_text())
    return str(data["licenseListVersion"])


def test_the_list_in_use_is_not_older_than_any_dependency_bundles() -> None:
    for other in (bundled_by_license_expression(), bundled_by_reuse()):
        assert number(LIST_VERSION)[:2] >= number(other)[:2], (LIST_VERSION, other)


def test_ids_added_after_list_3_27_are_accepted() -> None:
    newer = sorted(set(catalogue().licenses.values()) - set(_ids_in_reuse()))
    assert newer, "the list in use adds no id to list 3.27"
    for license_id in newer:
        assert check(license_id).expression == license_id


def _ids_in_reuse() -> list[str]:
    data = json.loads(files("reuse").joinpath("resources", "licenses.json").read_text())
    return [entry["licenseId"] for entry in data["licenses"]]


def test_every_deprecated_id_has_a_successor_or_says_why_not() -> None:
    lists = catalogue()
    for deprecated in lists.deprecated:
        assert (deprecated in lists.successors) != (deprecated in NO_SUCCESSOR), deprecated
        checked = check(f"MIT WITH {deprecated}" if lists.exception(deprecated) else deprecated)
        assert len(checked.warnings) == 1
        assert "is deprecated" in checked.warnings[0]


def test_every_successor_is_a_current_valid_expression() -> None:
    lists = catalogue()
    for deprecated, successor in lists.successors.items():
        written = f"MIT WITH {successor}" if lists.exception(deprecated) else successor
        assert check(written).warnings == (), deprecated
