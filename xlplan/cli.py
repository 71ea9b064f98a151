"""The ``xlplan`` command: parse options, call the library, render issues, choose the exit code.

Exit codes (docs/report.md): 0 done, warnings allowed; 1 done but errors were found (validate)
or some files failed (merge); 2 usage error or nothing could be done. Errors are one plain
sentence on stderr, never a traceback.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from . import __version__

EXIT_OK, EXIT_FOUND, EXIT_USAGE = 0, 1, 2

CONFIG_OPTION = click.option(
    "--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help="Programme settings (TOML): RAG scale and labels, header aliases, financial year, "
         "expected SROs, risk matrix. Without it the built-in defaults apply.")

JOBS_OPTION = click.option(
    "-j", "--jobs", type=click.IntRange(min=1), default=None, metavar="N",
    help="Worker processes reading a folder of many files [default: one per core]; 1 reads "
         "them one after another in this process.")


def fail(message: str, code: int = EXIT_USAGE) -> "click.exceptions.Exit":
    click.echo(f"xlplan: {message}", err=True)
    return click.exceptions.Exit(code)


def load_programme(config_path: Path | None):
    from .config import ConfigError, load_config

    try:
        return load_config(config_path)
    except ConfigError as exc:
        raise fail(str(exc)) from None


class Progress:
    """A progress bar on stderr when it is a terminal and there are many files; silent otherwise."""

    def __init__(self, total: int, label: str, threshold: int = 5) -> None:
        self.enabled = sys.stderr.isatty() and total >= threshold
        self.bar = click.progressbar(length=total, label=label, file=sys.stderr,
                                     show_pos=True, width=30) if self.enabled else None
        if self.bar:
            self.bar.__enter__()

    def __call__(self, name: str) -> None:
        if self.bar:
            self.bar.update(1)

    def close(self) -> None:
        if self.bar:
            self.bar.__exit__(None, None, None)


def utf8_output() -> None:
    """Standard output and error that can write any name ("Łukasz Wiśniewski").

    On Windows, output redirected to a file or a pipe is encoded in the console's code page
    (cp1252 in the UK), which has no "Ł": Python would stop with a traceback at the first
    such name. Redirected output is written as UTF-8 instead (what Notepad, Excel's text
    import and other programs read); a terminal that cannot show a character gets "?" for
    it, never an error."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if encoding.startswith(("utf8", "utf16", "utf32")) or not hasattr(stream, "reconfigure"):
            continue
        try:
            if stream.isatty():
                stream.reconfigure(errors="replace")
            else:
                stream.reconfigure(encoding="utf-8", errors="replace")
        except (OSError, ValueError):  # a closed or detached stream: nothing to write to
            pass


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="xlplan")
def main() -> None:
    """Read, check and merge the action plans, risk registers and scorecards SROs keep in Excel.

    \b
    The monthly loop:
      xlplan template --from LAST.xlsx -o to-send/   one pre-filled workbook per SRO
      xlplan validate FOLDER                         every problem, cell by cell
      xlplan merge FOLDER -o OUT.xlsx --previous LAST.xlsx
                                                     one consolidated workbook for the board
      xlplan pack OUT.xlsx -o board-pack.pdf         the board's pages as one PDF
    \b
    New here? Run:  xlplan demo
    validate, merge, template and map take --config PROGRAMME.toml (see the programme.toml
    `xlplan demo` writes); every command explains itself with --help. Exit codes: 0 done, 1 errors found or files failed,
    2 usage error or nothing to read.
    """
    utf8_output()  # also when main is called without run() (tests, python -c)


def render_text(result, out) -> None:
    """Issues grouped by file, cell address first: ``file › sheet › cell  code  message``.

    ``out`` is called once with the whole report (a big file has tens of thousands of lines:
    one write, not one per line)."""
    from .issues import printable

    by_file: dict[str, list] = {}
    for issue in sorted(result.issues, key=lambda i: i.sort_key()):
        by_file.setdefault(issue.file, []).append(issue)
    styled = {sev: click.style("{}", fg=colour) for sev, colour in
              (("error", "red"), ("warning", "yellow"), ("info", None))}
    lines: list[str] = []
    for info in result.files:
        found = by_file.get(info.path, [])
        errors = sum(1 for i in found if i.severity == "error")
        warnings = sum(1 for i in found if i.severity == "warning")
        sheets = ", ".join(f"{s.name}: {s.rows} rows" for s in info.sheets if s.kind != "other")
        status = {"ok": "OK", "errors": "ERRORS", "failed": "FAILED", "skipped": "skipped",
                  "not-a-plan": "NOT A PLAN"}.get(info.status, info.status)
        counts = f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
        lines.append(click.style(printable(info.path), bold=True) + f"  [{status}]  {counts}"
                     + (f"  ({printable(sheets)})" if sheets else "")
                     + (f"  {printable(info.note)}" if getattr(info, "note", "") else ""))
        for issue in found:
            where = printable(" › ".join(p for p in (issue.file, issue.sheet, issue.cell) if p))
            code = styled.get(issue.severity, "{}").format(issue.code)
            lines.append(f"  {where}  {code}  {printable(issue.message)}")
    c = result.counts
    rows = sum(f.rows for f in result.files)
    lines.append("")
    lines.append(f"{len(result.files)} file(s), {rows} row(s) read: {c['error']} error(s), "
                 f"{c['warning']} warning(s), {c['info']} note(s).")
    out("\n".join(lines))


@main.command(short_help="Check workbooks and list every problem with its cell.")
@click.argument("paths", nargs=-1, required=True,
                type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="text for people; json for other programs (the report "
              "shape is in docs/report.md).")
@click.option("--annotate", "annotate_dir", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="Also write a copy of each input that has findings, with a "
              "comment on every offending cell, into this folder (inputs are never modified; "
              "files with nothing to fix are not copied).")
@JOBS_OPTION
@CONFIG_OPTION
def validate(paths: tuple[Path, ...], fmt: str, annotate_dir: Path | None, jobs: int | None,
             config_path: Path | None) -> None:
    """Check SRO workbooks (files or folders) and list every problem with its cell address.

    \b
    Examples:
      xlplan validate "2018-03 Paterson.xlsx"
      xlplan validate submissions/ --format json > report.json
    Exit code 0 when no errors were found, 1 when there were errors, 2 when nothing could be
    read.
    """
    from .api import collect_paths, validate as run_validate

    programme = load_programme(config_path)
    files = collect_paths(paths)
    if not files:
        raise fail(no_workbooks_message(paths))
    progress = Progress(len(files), "Reading")
    try:
        result = run_validate(paths, programme, progress=progress, jobs=jobs)
    finally:
        progress.close()
    if annotate_dir is not None:
        from .annotate import annotate_all

        try:
            written = annotate_all(result, files, annotate_dir)
        except OSError as exc:
            raise fail(f"cannot write annotated copies to {annotate_dir}: "
                       f"{exc.strerror or exc}") from None
        from .issues import printable

        clean = sum(1 for f in result.files if f.status == "ok"
                    and not any(i.file == f.path for i in result.issues))
        click.echo(f"Annotated {len(written)} file(s) into {annotate_dir}"
                   + (f"; {clean} file(s) had nothing to annotate" if clean else ""), err=True)
        for name, reason in getattr(written, "skipped", ()):
            click.echo(printable(f"  not annotated: {name}: {reason}"), err=True)
    if fmt == "json":
        report = result.report(paths=as_given(files))
        click.echo(json.dumps(report, indent=2, ensure_ascii=False, default=str))
    else:
        render_text(result, click.echo)
    if all(f.status == "skipped" for f in result.files):
        click.echo(f"xlplan: {no_workbooks_message(paths)}", err=True)
        raise click.exceptions.Exit(EXIT_USAGE)  # nothing in PATHS was a workbook
    raise click.exceptions.Exit(EXIT_FOUND if result.has_errors else EXIT_OK)


def no_workbooks_message(paths) -> str:
    return "no .xlsx/.xlsm workbooks found in " + ", ".join(map(str, paths))


def as_given(files: list[tuple[Path, str]]) -> dict[str, str]:
    """Report name -> the path as the user would type it (the folder they gave, then the
    file's place in it), for the JSON report."""
    from .api import printable_name

    return {display: printable_name(str(path)) for path, display in files}


#: File statuses that make ``merge`` exit 1: a file that could not be read, or whose content
#: gave no rows (its tables were empty, or it is not a plan at all).
GAVE_NOTHING = ("failed", "not-a-plan")


def summary_line(merged, out_path: Path | None) -> str:
    c = {"error": 0, "warning": 0, "info": 0}
    for issue in merged.issues:
        c[issue.severity] += 1
    merged_files = sum(1 for f in merged.files if f.status in ("ok", "errors"))
    failed = [f.path for f in merged.files if f.status == "failed"]
    not_plans = [f.path for f in merged.files if f.status == "not-a-plan"]
    carried = int((merged.actions["status"] == "Carried forward").sum()) if len(merged.actions) \
        else 0
    others = 0  # a RAID log's assumptions, issues and dependencies: kept, but no risks
    if len(merged.risks) and "raid_type" in merged.risks.columns:
        from .schema.risk import RATED_KINDS

        others = sum(1 for kind in merged.risks["raid_type"]
                     if isinstance(kind, str) and kind and kind not in RATED_KINDS)
    parts = [f"{merged_files} of {len(merged.files)} file(s) merged: {len(merged.actions)} action "
             f"row(s), {len(merged.risks) - others} risk(s)"
             + (f" and {others} other RAID item(s)" if others else "")]
    if carried:
        parts.append(f"{carried} carried forward from last month")
    parts.append(f"{c['error']} error(s), {c['warning']} warning(s)")
    line = "; ".join(parts) + "."
    fy = getattr(merged, "financial_year", None)
    if fy is not None:
        line += (f" Quarters read in the financial year {fy}-{(fy + 1) % 100:02d} "
                 f"(from {merged.financial_year_source}).")
    if out_path is not None:
        line += f" Written to {out_path}."
    from .issues import printable

    if failed:
        line += f" Failed: {printable(', '.join(failed))}."
    if not_plans:  # read, but holding no plan, register or scorecard: said apart from failures
        line += f" Nothing read (not a plan, register or scorecard): " \
                f"{printable(', '.join(not_plans))}."
    return line


def unwritable(path: Path) -> str | None:
    """Why ``path`` cannot be written (its folder missing or read-only, the file read-only),
    or None. Checked by creating and removing a scratch file beside it, which works the same
    on every platform (``os.access`` does not see Windows ACLs)."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        return f"the folder {folder} does not exist"
    if path.is_dir():
        return "it is a folder"
    if path.exists() and not os.access(path, os.W_OK):
        return "the file is read-only"
    from .atomic import temp_file

    try:
        scratch = temp_file(folder)  # also sweeps what a run killed mid-write left there
    except OSError as exc:
        return exc.strerror or str(exc)
    scratch.unlink()
    return None


def nothing_read(merged) -> str | None:
    """What to say when no file of the folder gave a row (all failed, skipped or empty)."""
    if any(f.rows for f in merged.files if f.status in ("ok", "errors")):
        return None
    counts: dict[str, int] = {}
    for f in merged.files:
        counts[f.status] = counts.get(f.status, 0) + 1
    how = ", ".join(f"{n} {st}" for st, n in sorted(counts.items())) or "none"
    return (f"no rows were read from any of the {len(merged.files)} file(s) given ({how}): "
            "nothing to merge")


def run_merge(paths, out: Path | None, *, previous, period, report_json, strict, programme,
              quiet: bool = False, jobs: int | None = None):
    """The merge command's work, shared with ``demo``; returns the exit code."""
    from .api import collect_paths
    from .api import merge as run
    from .write import OutputError, write_consolidated

    files = collect_paths(paths)
    if not files:
        raise fail(no_workbooks_message(paths))
    inputs = [p for p, _ in files] + ([Path(previous)] if previous else [])
    if out is not None and any(p.resolve() == out.resolve() for p in inputs):
        raise fail(f"the output {out} is one of the inputs; choose another file name")
    for target in (out, report_json):  # found now, not after reading the whole folder
        problem = unwritable(target) if target is not None else None
        if problem:
            raise fail(f"cannot write {target}: {problem}")
    progress = Progress(len(files), "Merging")
    try:
        merged = run(paths, previous=previous, period=period, config=programme, progress=progress,
                     jobs=jobs)
    except ValueError as exc:  # a bad --period or an unusable --previous workbook
        raise fail(str(exc)) from None
    finally:
        progress.close()
    has_errors = any(i.severity == "error" for i in merged.issues)
    written = None
    nothing = nothing_read(merged)
    if nothing:
        render_text(merged, lambda s: click.echo(s, err=True))
        click.echo(f"xlplan: {nothing}; no workbook was written.", err=True)
    elif strict and has_errors:
        render_text(merged, lambda s: click.echo(s, err=True))
        click.echo("xlplan: --strict: errors were found, so no workbook was written.", err=True)
    elif out is not None:
        try:
            result = write_consolidated(merged, out, inputs=inputs)
        except OutputError as exc:
            raise fail(str(exc)) from None
        merged.issues.extend(getattr(result, "issues", ()))  # text cut to Excel's limit
        written = out
    if report_json is not None:
        from .issues import report_dict

        report = report_dict(merged.files, merged.issues, __version__, period=merged.period,
                             actions=len(merged.actions), risks=len(merged.risks),
                             written=str(written) if written else None,
                             financial_year=merged.financial_year, paths=as_given(files))
        try:
            report_json.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str),
                                   encoding="utf-8")
        except OSError as exc:
            raise fail(f"cannot write {report_json}: {exc.strerror or exc}") from None
    if nothing or (strict and has_errors):
        return EXIT_FOUND
    if not quiet:
        click.echo(summary_line(merged, written))
    failed = any(f.status in GAVE_NOTHING for f in merged.files)
    return EXIT_FOUND if failed else EXIT_OK


@main.command(short_help="Merge a folder of workbooks into one consolidated workbook.")
@click.argument("folders", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output", "out", required=True, type=click.Path(dir_okay=False,
              path_type=Path), help="The consolidated workbook to write (.xlsx).")
@click.option("--previous", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Last month's consolidated workbook, for RAG movement, new rows and rows "
                   "missing this month (carried forward, never lost).")
@click.option("--period", metavar="YYYY-MM", help="Reporting month (default: this month); "
              "milestones whose quarter ended before it are overdue.")
@click.option("--report-json", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the validation report as JSON (same shape as validate --format "
                   "json).")
@click.option("--strict", is_flag=True, help="If any error is found, write nothing and exit 1.")
@JOBS_OPTION
@CONFIG_OPTION
def merge(folders, out, previous, period, report_json, strict, jobs, config_path) -> None:
    """Merge a folder of SRO workbooks into one consolidated workbook.

    \b
    Every row of every readable file is kept; a file that cannot be read is listed on the
    Submissions sheet and the rest is still merged. The output has a Dashboard, Actions,
    Exceptions, Changes (with --previous), Risks and Heatmap (when risk registers were sent),
    Submissions and Issues sheets.
    \b
    Example, each month:
      xlplan merge returns/2018-03 -o "Consolidated 2018-03.xlsx" \\
          --previous "Consolidated 2018-02.xlsx" --period 2018-03
    Exit code 0 when done, 1 when some files failed (the workbook is still written), 2 when
    nothing could be done.
    """
    programme = load_programme(config_path)
    code = run_merge(folders, out, previous=previous, period=period, report_json=report_json,
                     strict=strict, programme=programme, jobs=jobs)
    raise click.exceptions.Exit(code)


@main.command(short_help="Write example submissions and merge them: start here.")
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("xlplan-demo"), show_default=True,
              help="Folder for the example submissions and the consolidated workbooks.")
def demo(out_dir: Path) -> None:
    """Write bundled example submissions and merge them: a first look at xlplan.

    \b
    The examples are the Plymouth CQC Action Plan 2018-19, split into one workbook per SRO
    the way SROs really keep them (titles above the header, renamed columns, merged banners),
    for February and March 2018. The demo merges February, then March against February, and
    tells you what to open.
    """
    from importlib import resources

    from .config import load_config
    from .demo import write_examples

    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        write_examples(out_dir)
        config_file = out_dir / "programme.toml"
        config_file.write_text(resources.files("xlplan").joinpath("data/demo.toml")
                               .read_text(encoding="utf-8"), encoding="utf-8")
    except OSError as exc:
        raise fail(f"cannot write the examples to {out_dir}: {exc.strerror or exc}") from None
    programme = load_config(config_file)
    feb, mar = out_dir / "2018-02", out_dir / "2018-03"
    prev_out = out_dir / "Consolidated 2018-02.xlsx"
    this_out = out_dir / "Consolidated 2018-03.xlsx"
    click.echo(f"Example submissions written to {out_dir}/ (programme settings: {config_file})")
    run_merge([feb], prev_out, previous=None, period="2018-02", report_json=None, strict=False,
              programme=programme, quiet=True)
    code = run_merge([mar], this_out, previous=prev_out, period="2018-03",
                     report_json=out_dir / "report-2018-03.json", strict=False,
                     programme=programme)
    pack_out = out_dir / "Board pack 2018-03.pdf"
    pack_path = draw_pack(this_out, pack_out)
    click.echo("")
    click.echo("Next:")
    opens = [(f'open "{this_out}"', "the board's workbook (Dashboard first)")]
    if pack_path is not None:
        opens.append((f'open "{pack_path}"', "the board pack: the board's pages as one PDF"))
    for command, what in (
            *opens,
            (f'xlplan validate "{mar}"', "every problem in the returns, cell by cell"),
            (f'xlplan merge "{mar}" -o out.xlsx --previous "{prev_out}" --period 2018-03 '
             f'--config "{config_file}"', "the merge the demo just ran"),
            (f'xlplan template --from "{this_out}" -o to-send', "next month's workbooks, "
             "one per SRO"),
            ("xlplan explain CODE", "what an issue code means and what to do")):
        click.echo(f"  {command}\n      {what}")
    raise click.exceptions.Exit(code)


def draw_pack(workbook: Path, out: Path) -> Path | None:
    """Draw the board pack of ``workbook`` to ``out``; a pack that cannot be drawn is said
    on stderr (the workbook is still there), returning None."""
    from .pack import PackError, write_pack

    try:
        path = write_pack(workbook, out)
    except PackError as exc:
        click.echo(f"xlplan: the board pack was not written: {exc}", err=True)
        return None
    click.echo(f"Board pack written to {path}.")
    return path


@main.command(short_help="Draw the board pack (one PDF) from a consolidated workbook.")
@click.argument("workbook", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="The PDF to write (default: the workbook's name with "
              "' board pack.pdf', beside it).")
def pack(workbook: Path, out: Path | None) -> None:
    """Draw the board's pages of a consolidated workbook as one PDF: the Dashboard (headline
    figures, submissions, what needs attention, charts), Exceptions, Changes, Risks, the heat
    map and the Scorecard.

    \b
    Example:
      xlplan pack "Consolidated 2018-03.xlsx" -o board-pack.pdf

    Needs neither Excel nor LibreOffice. Exit codes: 0 written, 2 the workbook cannot be read
    or the PDF cannot be written.
    """
    from .pack import PackError, write_pack

    out = out or workbook.with_name(f"{workbook.stem} board pack.pdf")
    try:
        path = write_pack(workbook, out)
    except PackError as exc:
        raise fail(str(exc)) from None
    click.echo(f"Board pack written to {path}")


@main.command(short_help="Pre-filled workbooks for each SRO from last month's merge.")
@click.option("--from", "source", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Last month's consolidated workbook: one pre-filled workbook per SRO.")
@click.option("--blank", is_flag=True, help="Write one empty template instead (for a new SRO).")
@click.option("-o", "--output", "out", required=True, type=click.Path(path_type=Path),
              help="Folder (with --from) or .xlsx file (with --blank).")
@click.option("--period", metavar="YYYY-MM",
              help="Month the templates are for (default: the one after the workbook's).")
@click.option("--force", is_flag=True,
              help="Replace templates already in the output folder (without it, existing "
                   "files are left alone and nothing is written).")
@CONFIG_OPTION
def template(source: Path | None, blank: bool, out: Path, period: str | None, force: bool,
             config_path: Path | None) -> None:
    """Send SROs next month's workbooks: their own rows, dropdowns, last month's RAG to compare.

    \b
    Examples:
      xlplan template --from "Consolidated 2018-03.xlsx" -o to-send/
      xlplan template --blank -o "New SRO.xlsx"
    Each workbook has an Instructions sheet, RAG and milestone dropdowns, locked key columns
    (protection without a password: it guides, it does not secure) and a Ref on every row, so
    next month's merge follows each row.
    """
    from .template import TemplateError, make_blank_template, make_templates

    if bool(source) == blank:
        raise fail("give either --from CONSOLIDATED.xlsx or --blank")
    programme = load_programme(config_path) if config_path else None
    try:
        if blank:
            written = make_blank_template(out, programme or load_programme(None),
                                          period=period or "", overwrite=force)
            click.echo(f"Blank template written to {written}")
        else:
            paths = make_templates(source, out, programme, period=period, overwrite=force)
            click.echo(f"{len(paths)} template(s) written to {out}")
            for _path, why in getattr(paths, "held", ()):
                click.echo(f"xlplan: not written: {why}", err=True)
            if getattr(paths, "held", ()):
                raise click.exceptions.Exit(EXIT_FOUND)
    except TemplateError as exc:
        raise fail(str(exc)) from None
    except OSError as exc:
        raise fail(f"cannot write {out}: {exc.strerror or exc}") from None


@main.command(short_help="What an issue code means and what to do about it.")
@click.argument("code", required=False)
def explain(code: str | None) -> None:
    """Explain an issue code from a report (for example: xlplan explain unknown-rag).

    Without a code, list every code with its severity and title.
    """
    from .catalogue import CATALOGUE, explain as lookup
    from .issues import CODES

    if code is None:
        for name in CODES:
            click.echo(f"{name:<24} {CODES[name]:<8} {CATALOGUE[name].title}")
        return
    entry = lookup(code)
    if entry is None:
        raise fail(f"'{code}' is not an xlplan issue code; `xlplan explain` lists them all")
    click.echo(f"{entry.code} ({entry.severity}): {entry.title}\n")
    click.echo(click.wrap_text(entry.description, 78) + "\n")
    click.echo(click.wrap_text("What to do: " + entry.what_to_do, 78))
    if entry.templates:
        click.echo("\nHow its messages read:")
        for case, template in entry.templates:
            click.echo(click.wrap_text(f"{case + ': ' if case else ''}{template}", 78,
                                       initial_indent="  ", subsequent_indent="    "))


@main.command("map", short_help="Print a [headers] block for the programme file from a sample.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@CONFIG_OPTION
def map_headers(file: Path, config_path: Path | None) -> None:
    """Read a sample workbook and print the [headers] block that teaches xlplan its layout.

    \b
    Paste the block into the programme file (e.g. programme.toml), check the lines marked
    as guesses, then:  xlplan validate FOLDER --config programme.toml

    Exit status 0 when a table was found, 1 when none was.
    """
    from .mapping import header_block

    programme = load_programme(config_path)
    text, found = header_block(file, programme)
    click.echo(text, nl=False)
    if not found:
        raise click.exceptions.Exit(EXIT_FOUND)


def run() -> None:
    """The ``xlplan`` command: :func:`main`, then an exit that skips tearing the interpreter
    down. A merge or a big validate leaves hundreds of thousands of objects (rows, cells,
    issues) that Python would free one by one at exit -- a tenth of a second and more, spent
    after the work is done and the files are closed. Output is flushed first; anything not
    ending in an exit code (a bug's traceback) goes the usual way.

    The cyclic garbage collector runs once per million new objects instead of per 700: a
    merge builds millions of small objects (cells, rows, issues) that never form cycles, and
    the collections walk them over and over -- a tenth of a big validate's time, for nothing
    (the peak memory of a 1,000-file merge, an annotated validate and the demo is the same).
    Cycles among young objects are still collected."""
    import gc

    gc.set_threshold(1_000_000, 50, 100)
    utf8_output()
    try:
        main()
    except SystemExit as exc:
        code = exc.code
        status = code if isinstance(code, int) else 0 if code is None else 1
        if not isinstance(code, (int, type(None))):
            print(code, file=sys.stderr)
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):  # a closed pipe (xlplan validate ... | head)
                pass
        os._exit(status)


if __name__ == "__main__":  # pragma: no cover
    run()
