"""The CLI stays thin (STYLE.md): every command parses, calls one app function and hands its
outcome to `render.show`; failures are caught only at the process edge. Read with `ast`."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.conftest import invoke_cli

CLI_DIR = Path(__file__).resolve().parents[2] / "sheets_sync" / "cli"
MAX_BODY_LINES = 25


def _is_command(node: ast.FunctionDef) -> bool:
    """Decorated with `@click.command`, `@click.group` or `@<group>.command(...)`."""
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, ast.Attribute) and target.attr in ("command", "group"):
            return True
    return False


def commands() -> list[tuple[str, ast.FunctionDef]]:
    found = []
    for path in sorted(CLI_DIR.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and _is_command(node):
                found.append((f"{path.name}:{node.name}", node))
    return found


def body_lines(node: ast.FunctionDef) -> int:
    """Lines of the body, the docstring (the command's --help) not counted."""
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
        body = body[1:]
    return 0 if not body else body[-1].end_lineno - body[0].lineno + 1  # type: ignore[operator]


def test_the_cli_has_its_commands():
    names = {name.split(":")[1] for name, _ in commands()}
    assert {"validate", "init", "sync", "report", "sop", "calendar", "remind", "demo", "history", "status", "rollup", "rollup_report"} <= names


@pytest.mark.parametrize(("name", "node"), commands(), ids=[name for name, _ in commands()])
def test_no_command_body_is_longer_than_25_lines(name, node):
    assert body_lines(node) <= MAX_BODY_LINES, f"{name}: {body_lines(node)} lines besides its help"


@pytest.mark.parametrize(("name", "node"), commands(), ids=[name for name, _ in commands()])
def test_a_command_catches_nothing_and_ends_with_show(name, node):
    """Failures rise to the edge (cli/edge.py); the outcome goes to the one renderer."""
    assert not [n for n in ast.walk(node) if isinstance(n, ast.Try)], f"{name} catches an exception itself"
    if body_lines(node) == 0:
        return  # a group that only holds its sub-commands
    calls = {n.func.id for n in ast.walk(node) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    assert "show" in calls, f"{name} does not hand its outcome to render.show"


def test_only_the_edge_catches_sheets_sync_error():
    catching = []
    for path in sorted(CLI_DIR.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ExceptHandler) and node.type is not None and "SheetsSyncError" in ast.unparse(node.type):
                catching.append(path.name)
    assert catching == ["edge.py"]


def test_the_run_is_recorded_on_one_object_not_in_ctx_meta():
    """The run log's facts live on `edge.RunRecord`; `ctx.meta` only carries click's date notes."""
    for path in sorted(CLI_DIR.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert "sheets_sync.failure" not in text and "sheets_sync.counts" not in text, path.name
        assert "sys.exit(" not in text or path.name == "edge.py", f"{path.name}: exit through the outcome's code"


def test_library_messages_name_settings_not_options():
    """Outside cli/, a message names a setting by a `{key}` placeholder (core.errors.SETTING_WORDS);
    only the command line turns it into its option (`--out`)."""
    package = CLI_DIR.parent
    found = []
    for path in sorted(package.rglob("*.py")):
        if path.is_relative_to(CLI_DIR) or path.name == "guide.py":  # guide.py: its own `--check` argv
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                      if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef)) and n.body
                      and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                if re.search(r"(?<![\w-])--[a-z][a-z-]+", node.value):
                    found.append(f"{path.relative_to(package)}:{node.lineno}: {node.value[:60]}")
    assert found == []


def test_the_command_line_shows_a_library_message_with_its_options(tmp_path):
    from sheets_sync.core.errors import ConfigError

    error = ConfigError("ระบุ {workbook} หรือ {sheet_id} อย่างใดอย่างหนึ่ง ไม่ใช่ทั้งสอง")
    assert str(error) == "ระบุ ไฟล์สมุดงาน .xlsx หรือ รหัส Google Sheet อย่างใดอย่างหนึ่ง ไม่ใช่ทั้งสอง"
    result = invoke_cli("sync", "--workbook", tmp_path / "x.xlsx", "--sheet-id", "1" * 20)
    assert result.exit_code == 2
    assert result.output.strip() == "sheets-sync: ระบุ --workbook หรือ --sheet-id อย่างใดอย่างหนึ่ง ไม่ใช่ทั้งสอง"


def test_no_app_function_returns_a_tuple_or_an_any_field():
    """Every app function returns a named, typed value; outcomes have no `Any` field."""
    app = CLI_DIR.parent / "app"
    found = []
    for path in sorted(app.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.returns is not None and ast.unparse(node.returns).startswith("tuple"):
                found.append(f"{path.name}:{node.name} returns {ast.unparse(node.returns)}")
            if isinstance(node, ast.AnnAssign) and "Any" in ast.unparse(node.annotation).replace("dict[str, Any]", ""):
                found.append(f"{path.name}:{node.lineno} field {ast.unparse(node.annotation)}")
    assert found == []


def test_ctrl_c_during_a_command_is_one_line_and_exit_130(monkeypatch, tmp_path):
    import sheets_sync.app.workbook as app_workbook

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(app_workbook, "run_validate", interrupted)
    book = tmp_path / "book.xlsx"
    book.write_bytes(b"")
    result = invoke_cli("validate", "--workbook", book, "--out", tmp_path / "out")
    assert result.exit_code == 130
    assert result.output == "sheets-sync: หยุดตามคำสั่ง (ไม่ได้เปลี่ยนแปลงอะไรที่ยังเขียนไม่เสร็จ)\n"
    [line] = (tmp_path / "out" / "sheets-sync.log").read_text(encoding="utf-8").splitlines()
    assert '"outcome": "interrupted"' in line and '"exit_code": 130' in line
