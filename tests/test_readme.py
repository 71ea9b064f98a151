"""Every code block in the README runs, as written.

- ``bash`` and ``powershell`` blocks: each line that starts ``xlplan`` (or ``py -m xlplan``) is
  run through the real command (a child process), in a folder where ``xlplan demo`` has run,
  and must exit 0. Install and test-runner lines (``pip install``, ``pytest``) are what CI
  itself runs (``.ci/run``), so they are checked for form only.
- ``console`` blocks: the ``$`` command runs, and every output line shown must be in what it
  prints.
- ``python`` blocks: executed as written in that folder.
"""
from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```", re.M | re.S)


def blocks(language: str) -> list[str]:
    return [body for lang, body in BLOCK.findall(README.read_text(encoding="utf-8"))
            if lang == language]


def xlplan_argv(line: str, windows: bool) -> list[str] | None:
    """The xlplan command of a README line, as argv for this Python; None for other lines."""
    words = shlex.split(line.replace("\\", "/") if windows else line)
    if words[:3] == ["py", "-m", "xlplan"]:
        words = words[3:]
    elif words[:1] == ["xlplan"]:
        words = words[1:]
    else:
        return None
    return [sys.executable, "-m", "xlplan", *words]


def run(argv: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=300, env=env)


@pytest.fixture()
def demo_dir(tmp_path):
    proc = run([sys.executable, "-m", "xlplan", "demo"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    return tmp_path


def test_the_readme_has_the_blocks_a_newcomer_needs():
    assert any("pip install -e . && xlplan demo" in b for b in blocks("bash"))
    assert any('pip install -e ".[test]" && python -m pytest -q' in b for b in blocks("bash"))
    assert any("py -m pip install -e ." in b for b in blocks("powershell"))
    assert blocks("python") and blocks("console")


def test_the_ci_runs_the_readme_test_command():
    assert 'pip install -q -e ".[test]" && python -m pytest -q' in \
        (ROOT / ".ci" / "run").read_text(encoding="utf-8")


@pytest.mark.parametrize("language", ["bash", "powershell"])
def test_shell_blocks_run(language, demo_dir):
    ran = 0
    for body in blocks(language):
        for line in body.splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if "pip install" in line or "pytest" in line:
                assert re.fullmatch(r'(py -m )?pip install -e (\.|"\.\[test\]")( && '
                                    r'(xlplan demo|python -m pytest -q))?', line), line
                continue
            argv = xlplan_argv(line.split(" && ")[-1], windows=language == "powershell")
            assert argv is not None, f"a README line that is not an xlplan command: {line}"
            proc = run(argv, demo_dir)
            assert proc.returncode == 0, (line, proc.stdout[-2000:], proc.stderr[-2000:])
            assert "Traceback" not in proc.stderr
            ran += 1
    assert ran


def test_console_blocks_print_what_they_show(demo_dir):
    for body in blocks("console"):
        lines = body.splitlines()
        assert lines[0].startswith("$ ")
        proc = run(xlplan_argv(lines[0][2:], windows=False), demo_dir)
        assert "Traceback" not in proc.stderr
        for shown in lines[1:]:
            assert shown in proc.stdout.splitlines(), (lines[0], shown, proc.stdout)


def test_python_blocks_run(demo_dir, monkeypatch):
    monkeypatch.chdir(demo_dir)
    for body in blocks("python"):
        exec(compile(body, str(README), "exec"), {"__name__": "__readme__"})
    assert (demo_dir / "Consolidated 2018-03.xlsx").exists()
