"""Reading Vega's Gherkin feature files into scenarios of plain steps.

Backgrounds are prepended to every scenario (a `Rule:`'s background after the
feature's); scenarios inside `Rule:` blocks are kept; scenario outlines are expanded
once per example row, with `<placeholders>` substituted in step text and tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gherkin.parser import Parser
from gherkin.token_scanner import TokenScanner


@dataclass(frozen=True, slots=True)
class Step:
    text: str
    table: tuple[tuple[str, ...], ...]  # first row is the header
    line: int


@dataclass(frozen=True, slots=True)
class Scenario:
    feature_path: str  # relative to the features folder
    name: str
    steps: tuple[Step, ...]
    line: int

    @property
    def id(self) -> str:
        return f"{self.feature_path}::{self.name}"

    @property
    def topic(self) -> str:
        head, _, _ = self.feature_path.partition("/")
        return head if "/" in self.feature_path else "(top level)"


def _steps(raw_steps: list[dict], substitutions: dict[str, str]) -> list[Step]:
    def fill(text: str) -> str:
        for key, value in substitutions.items():
            text = text.replace(f"<{key}>", value)
        return text

    steps = []
    for raw in raw_steps:
        table: tuple[tuple[str, ...], ...] = ()
        if raw.get("dataTable"):
            table = tuple(
                tuple(fill(cell["value"]) for cell in row["cells"])
                for row in raw["dataTable"]["rows"]
            )
        steps.append(Step(fill(raw["text"]), table, raw["location"]["line"]))
    return steps


def load_feature(path: Path, root: Path) -> list[Scenario]:
    document = Parser().parse(TokenScanner(path.read_text(encoding="utf-8")))
    feature = document.get("feature")
    if not feature:
        return []
    relative = path.relative_to(root).as_posix()
    scenarios: list[Scenario] = []
    seen: dict[str, int] = {}

    def add(name: str, steps: list[Step], line: int) -> None:
        count = seen.get(name, 0)
        seen[name] = count + 1
        unique = name if count == 0 else f"{name} [{count + 1}]"
        scenarios.append(Scenario(relative, unique, tuple(steps), line))

    def walk(children: list[dict], background: list[dict]) -> None:
        """Scenarios of a feature or of a `Rule:`; a rule's background follows the feature's."""
        for child in children:
            if "background" in child:
                background = background + child["background"]["steps"]
            elif "rule" in child:
                walk(child["rule"]["children"], background)
            elif child.get("scenario") is not None:
                scenario(child["scenario"], background)

    def scenario(raw: dict, background: list[dict]) -> None:
        name = raw["name"].strip() or f"line {raw['location']['line']}"
        examples = raw.get("examples") or []
        if not examples:
            steps = _steps(background, {}) + _steps(raw["steps"], {})
            add(name, steps, raw["location"]["line"])
            return
        for example in examples:
            header = [cell["value"] for cell in example["tableHeader"]["cells"]]
            for row in example["tableBody"]:
                values = dict(zip(header, (cell["value"] for cell in row["cells"]), strict=True))
                label = ", ".join(f"{k}={v}" for k, v in values.items())
                add(
                    f"{name} ({label})",
                    _steps(background, values) + _steps(raw["steps"], values),
                    row["location"]["line"],
                )

    walk(feature["children"], [])
    return scenarios


def load_all(features_dir: Path) -> list[Scenario]:
    scenarios: list[Scenario] = []
    for path in sorted(features_dir.rglob("*.feature")):
        scenarios.extend(load_feature(path, features_dir))
    return scenarios
