"""The programme configuration: one TOML file laid over the bundled default.

Everything a programme office would want to set without touching code lives here: the
programme's name, when its financial year starts, its RAG scale and labels, extra header
spellings, the SROs it expects each month, the risk matrix and the safety limits for incoming
files. ``xlplan --config FILE`` reads a file; without one the built-in defaults apply
(``xlplan/data/default.toml``), which cover the conventions of the Plymouth and York plans.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from .schema.columns import SCHEMAS, AliasTable
from .schema.rag import CANONICAL_LEVELS, RagScale
from .schema.settings import problems


class ConfigError(ValueError):
    """A programme file that cannot be used; the message says which key and why."""


@dataclass(frozen=True)
class Limits:
    """What a workbook may be before xlplan refuses to parse it, and how a large one is read.

    The one set of limits for every file xlplan opens: the submissions, last month's
    consolidated workbook (``--previous``, ``template --from``) and a file to annotate all go
    through :func:`xlplan.safety.check_package` with the programme's ``[limits]``.

    The defaults leave a wide margin over any real action plan or risk register (a 60,000-row
    plan is 5-10 MB on disk and unpacks to 7-25 times that) and stay far below what makes
    python-calamine allocate gigabytes.
    """

    max_file_bytes: int = 200 * 2**20          # on disk
    max_uncompressed_bytes: int = 1024 * 2**20  # sum of declared sizes of all members
    max_ratio: float = 100.0                  # unpacked/on disk; real plans ~5-30:1, bombs 258:1+
    max_rows: int = 524_288                   # largest row reference / dimension allowed
    max_columns: int = 1024                   # largest column allowed (1024 = AMJ)
    max_cells: int = 20_000_000               # rows x columns of the used area (from A1)
    max_members: int = 10_000                 # zip entries; real workbooks have tens
    #: The ratio test applies only when the whole package unpacks to more than this: below it
    #: nothing is big enough to hurt, and a tiny, very regular legitimate file can compress
    #: unusually well. The cell-reference scan still runs on every sheet whatever the size.
    ratio_floor_bytes: int = 10 * 2**20
    #: files whose declared uncompressed size is above this are read in a child process ...
    isolate_above_bytes: int = 64 * 2**20
    #: ... with this deadline and this much memory (see :mod:`xlplan.procs`).
    file_seconds: float = 120.0
    file_memory_bytes: int = 2048 * 2**20


@dataclass
class Programme:
    """The settings every stage reads. Build with :func:`load_config`."""

    name: str = "Partnership improvement programme"
    financial_year_start_month: int = 4
    financial_year: int | None = None
    expected_sros: tuple[str, ...] = ()
    rag: RagScale = field(default_factory=RagScale)
    header_aliases: dict[str, list[str]] = field(default_factory=dict)
    risk: dict[str, Any] = field(default_factory=dict)
    scorecard: dict[str, Any] = field(default_factory=dict)
    limits: Limits = field(default_factory=Limits)
    source: str = "built-in defaults"
    raw: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._alias_tables: dict[str, AliasTable] = {}

    def aliases(self, kind: str) -> AliasTable:
        """Header alias table for a sheet kind, with this programme's additions."""
        table = self._alias_tables.get(kind)
        if table is None:
            table = AliasTable.build(SCHEMAS[kind], self.header_aliases)
            self._alias_tables[kind] = table
        return table

    @property
    def risk_matrix(self):
        from .schema.risk import matrix_from_config  # local: risk rules load only when used

        return matrix_from_config(self.risk)

    @property
    def rating_words(self):
        """The table of rating words and probability steps (``[risk.words]``,
        ``[risk] probability``): :class:`xlplan.schema.risk.WordRatings`."""
        from .schema.risk import ratings_from_config

        cached = self.__dict__.get("_rating_words")
        if cached is None:
            cached = self.__dict__["_rating_words"] = ratings_from_config(self.risk)
        return cached

    @property
    def refs_programme_wide(self) -> bool:
        """True when ``[risk] refs = "programme"``: one Ref is one risk whoever sends it."""
        from .schema.risk import refs_scope

        return refs_scope(self.risk) == "programme"


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def default_toml() -> str:
    return resources.files("xlplan").joinpath("data/default.toml").read_text(encoding="utf-8")


#: Byte-order marks Notepad and other Windows editors write, and the encoding each announces.
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))

SAVE_AS_UTF8 = ("open it in Notepad, choose File > Save As, set Encoding to UTF-8 and save it "
                "again")


def decode_toml(raw: bytes, path: Path | str = "") -> str:
    """The text of a programme file as Windows editors save it: UTF-8 with or without a
    byte-order mark, or UTF-16 ("Unicode" in Notepad, with or without a mark). ANSI
    (Windows-1252 and the other code pages) is refused with a :class:`ConfigError` that says
    how to save the file as UTF-8: the same bytes spell different names in different code
    pages (a Polish "ś" saved in cp1250 reads as "œ" in cp1252), so guessing would misspell
    the expected SROs without a word."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return _decode(raw[len(bom):], encoding, path)
    if len(raw) >= 4 and raw.count(b"\0") * 3 >= len(raw):  # UTF-16 without a mark
        even_nul = raw[0::2].count(0) > raw[1::2].count(0)
        return _decode(raw, "utf-16-be" if even_nul else "utf-16-le", path)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        where = raw[:exc.start].count(b"\n") + 1
        try:
            raw.decode("cp1252")
            found = "ANSI (Windows-1252)"
        except UnicodeDecodeError:
            found = "neither UTF-8 nor ANSI"
        raise ConfigError(f"the programme file {path} is saved as {found}, not UTF-8 (first "
                          f"such character on line {where}): {SAVE_AS_UTF8}") from None


def _decode(raw: bytes, encoding: str, path: Path | str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError:
        raise ConfigError(f"the programme file {path} starts as {encoding.upper()} but is not "
                          f"valid {encoding.upper()} text: {SAVE_AS_UTF8}") from None


def _limits(lim: dict[str, Any]) -> Limits:
    """``[limits]``: sizes in megabytes, the rest as counts and seconds; a key left out keeps
    the default of :class:`Limits`."""
    d = Limits()

    def mib(key: str, default: int) -> int:
        return int(float(lim.get(key, default / 2**20)) * 2**20)

    return Limits(
        max_file_bytes=mib("max_file_mb", d.max_file_bytes),
        max_uncompressed_bytes=mib("max_uncompressed_mb", d.max_uncompressed_bytes),
        max_ratio=float(lim.get("max_ratio", d.max_ratio)),
        max_rows=int(lim.get("max_rows", d.max_rows)),
        max_columns=int(lim.get("max_columns", d.max_columns)),
        max_cells=int(lim.get("max_cells", d.max_cells)),
        max_members=int(lim.get("max_members", d.max_members)),
        ratio_floor_bytes=mib("ratio_floor_mb", d.ratio_floor_bytes),
        isolate_above_bytes=mib("isolate_above_mb", d.isolate_above_bytes),
        file_seconds=float(lim.get("file_seconds", d.file_seconds)),
        file_memory_bytes=mib("file_memory_mb", d.file_memory_bytes),
    )


def load_config(path: str | Path | None = None, overrides: dict | None = None) -> Programme:
    """The programme settings: the bundled default, the TOML file at ``path`` over it."""
    data = tomllib.loads(default_toml())
    source = "built-in defaults"
    if path is not None:
        p = Path(path)
        try:
            text = decode_toml(p.read_bytes(), p)
        except OSError as exc:
            raise ConfigError(f"cannot read the programme file {p}: {exc.strerror or exc}") from None
        try:
            data = _merge(data, tomllib.loads(text))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"the programme file {p} is not valid TOML: {exc}") from None
        source = str(p)
    if overrides:
        data = _merge(data, overrides)
        source = f"{source} with the settings given in code"
    return programme_from_dict(data, source)


def check_settings(data: dict, source: str = "") -> None:
    """Refuse settings that cannot be used, with a :class:`ConfigError` naming where they come
    from (the file), the table, the key and the value: every key against the table of
    :mod:`xlplan.schema.settings`, then the ``[risk]`` table's own rules (a matrix whose bands
    cover it, known words), so that a mistake is found when the file is loaded, not when the
    first risk register is read."""
    where = _where(source)
    found = problems(data)
    if not found:
        from .schema.risk import matrix_from_config, ratings_from_config, refs_scope

        risk = data.get("risk")
        for rule in (matrix_from_config, ratings_from_config, refs_scope):
            try:
                rule(risk)
            except ValueError as exc:
                text = str(exc)
                found.append(text if text.startswith("[risk") else f"[risk] {text}")
                break
    if found:
        raise ConfigError(f"{where}: {'; '.join(found)}")


def _where(source: str) -> str:
    """The settings' origin as a message names it: "the programme file plan.toml"."""
    if not source or source.startswith("built-in defaults"):
        return f"the programme settings ({source or 'given in code'})"
    return f"the programme file {source}"


def programme_from_dict(data: dict, source: str = "") -> Programme:
    """The :class:`Programme` of settings already laid over the defaults; refused with a
    :class:`ConfigError` (see :func:`check_settings`) when a value cannot be used."""
    check_settings(data, source)
    prog = data.get("programme", {})
    rag = data.get("rag", {})
    levels = tuple(rag.get("levels", CANONICAL_LEVELS))
    labels = tuple((k, str(v)) for k, v in rag.get("labels", {}).items())
    aliases = tuple((k, tuple(map(str, v))) for k, v in rag.get("aliases", {}).items())
    month = int(prog.get("financial_year_start_month", 4))
    limits = _limits(data.get("limits", {}))
    fy = prog.get("financial_year")
    return Programme(
        name=str(prog.get("name", "Partnership improvement programme")),
        financial_year_start_month=month,
        financial_year=int(fy) if fy is not None else None,
        expected_sros=tuple(str(s) for s in prog.get("expected_sros", ())),
        rag=RagScale(levels=levels, labels=labels, extra_aliases=aliases),
        header_aliases={k: list(map(str, v)) for k, v in data.get("headers", {}).items()},
        risk=dict(data.get("risk", {})),
        scorecard=dict(data.get("scorecard", {})),
        limits=limits,
        source=source,
        raw=data,
    )
