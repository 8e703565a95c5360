"""An import-linter contract type: these packages import none of the named Qt modules.

import-linter sees an external package (``PySide6``) as one node, so its ``forbidden`` contract
cannot tell ``PySide6.QtGui`` from ``PySide6.QtWidgets``. This contract reads the import lines
that grimp recorded for every import of the Qt package and refuses the named submodules.
"""

from __future__ import annotations

import re

from grimp import ImportGraph
from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


class ForbiddenQtModulesContract(Contract):
    """``source_modules`` (and their descendants) import no module of ``forbidden_modules``."""

    type_name = "forbidden_qt_modules"

    source_modules = fields.ListField(subfield=fields.ModuleField())
    forbidden_modules = fields.ListField(subfield=fields.StringField())

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        names = [str(name) for name in self.forbidden_modules]  # type: ignore[attr-defined]
        roots = {name.split(".")[0] for name in names}
        pattern = re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")\b")
        sources = [m.name for m in self.source_modules]  # type: ignore[attr-defined]
        found: list[tuple[str, int, str]] = []
        for module in sorted(graph.modules):
            if not any(module == s or module.startswith(s + ".") for s in sources):
                continue
            for root in sorted(roots & graph.find_modules_directly_imported_by(module)):
                for detail in graph.get_import_details(importer=module, imported=root):
                    line = str(detail["line_contents"])
                    if pattern.search(line):
                        found.append((module, int(detail["line_number"]), line))
        return ContractCheck(kept=not found, metadata={"found": found})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for module, line_number, line in check.metadata["found"]:
            output.print_error(f"{module}:{line_number}: {line}")
            output.new_line()
