"""The migrations: one linear history, up and down on both engines, in step with the models,
and shipped inside the wheel so an installed Gearroom can create its database anywhere."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text

from gearroom.db import (
    alembic_config,
    downgrade_schema,
    head_revision,
    open_database,
    upgrade_schema,
)
from gearroom.engine import create_gearroom_engine
from gearroom.models import Base
from gearroom.paths import migrations_dir

REPO = Path(__file__).resolve().parents[2]


def _script() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def _revisions_oldest_first() -> list[str]:
    return [r.revision for r in reversed(list(_script().walk_revisions("base", "heads")))]


def _current(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def _schema_diff(engine: Engine) -> list[object]:
    """What Alembic autogenerate would write to bring the database to the models."""
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "render_as_batch": True}
        )
        return list(compare_metadata(context, Base.metadata))


def _guards(engine: Engine) -> set[str]:
    """The database objects that keep history append-only."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            rows = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
        else:
            rows = conn.execute(
                text(
                    "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal UNION "
                    "SELECT proname FROM pg_proc WHERE proname LIKE 'gearroom%'"
                )
            )
        return {r[0] for r in rows}


@pytest.fixture
def empty_engine(empty_db_url: str) -> Iterator[Engine]:
    engine = create_gearroom_engine(empty_db_url)
    yield engine
    engine.dispose()


MODEL_TABLES = set(Base.metadata.tables)


def test_one_linear_history_with_exactly_one_head():
    script = _script()
    assert len(script.get_heads()) == 1, f"several heads: {script.get_heads()}"
    assert script.get_current_head() == head_revision()
    bases = script.get_bases()
    assert len(bases) == 1
    for revision in script.walk_revisions():
        assert not revision.is_merge_point, f"{revision.revision} merges branches"
        assert not revision.is_branch_point, f"{revision.revision} starts a branch"
    # every revision file says what it does in its first line
    for revision in script.walk_revisions():
        assert revision.doc and revision.doc.strip(), f"{revision.revision} has no description"


def test_upgrade_from_empty_to_head(empty_db_url, empty_engine):
    assert _tables(empty_engine) == set()
    db = open_database(empty_db_url)
    try:
        assert db.state().current_revision == head_revision()
        assert _tables(db.engine) == MODEL_TABLES | {"alembic_version"}
        assert _guards(db.engine), "the append-only guard on history is missing"
    finally:
        db.dispose()


def test_downgrade_to_base_and_upgrade_again(empty_engine):
    upgrade_schema(empty_engine)
    assert _current(empty_engine) == head_revision()
    downgrade_schema(empty_engine, "base")
    assert _current(empty_engine) is None
    assert _tables(empty_engine) <= {"alembic_version"}
    assert _guards(empty_engine) == set()
    upgrade_schema(empty_engine)
    assert _current(empty_engine) == head_revision()
    assert _tables(empty_engine) == MODEL_TABLES | {"alembic_version"}
    assert _schema_diff(empty_engine) == []


def test_every_step_goes_up_down_and_up_again(empty_engine):
    """The stairway: each revision's downgrade undoes exactly its upgrade."""
    previous: str = "base"
    for revision in _revisions_oldest_first():
        upgrade_schema(empty_engine, revision)
        tables_after_upgrade = _tables(empty_engine)
        downgrade_schema(empty_engine, previous)
        assert _current(empty_engine) == (None if previous == "base" else previous)
        upgrade_schema(empty_engine, revision)
        assert _current(empty_engine) == revision
        assert _tables(empty_engine) == tables_after_upgrade
        previous = revision
    assert previous == head_revision()


def test_models_match_the_migrations(empty_engine):
    upgrade_schema(empty_engine)
    assert _schema_diff(empty_engine) == []


def test_a_model_change_without_a_migration_is_noticed(empty_engine):
    """The comparison above has teeth: a column the migrations lack shows up in the diff."""
    from sqlalchemy import Column, Integer, MetaData

    upgrade_schema(empty_engine)
    metadata = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.tables.values():
        table.to_metadata(metadata)
    metadata.tables["assets"].append_column(Column("sensor_hours_extra", Integer))
    with empty_engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, metadata)
    assert [d[0] for d in diff if isinstance(d, tuple)] == ["add_column"]


# -- where the migrations are found ------------------------------------------------------------


def test_migrations_resolve_from_the_source_checkout():
    assert migrations_dir() == REPO / "migrations"
    assert (migrations_dir() / "env.py").is_file()


def test_migrations_resolve_inside_an_installed_package(tmp_path):
    """Installed, the package carries its own copy (gearroom/_migrations) and uses it."""
    import shutil

    package = tmp_path / "site" / "gearroom"
    shutil.copytree(REPO / "gearroom", package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "migrations", package / "_migrations")
    code = "from gearroom.paths import migrations_dir; print(migrations_dir())"
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path / "site")},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(out) == package / "_migrations"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Gearroom built as a wheel from this checkout."""
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(REPO)],
        check=True,
        capture_output=True,
        text=True,
    )
    (built,) = out.glob("gearroom-*.whl")
    return built


def test_the_wheel_ships_migrations_and_resources(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "gearroom/_migrations/env.py" in names
    assert "gearroom/_migrations/script.py.mako" in names
    shipped = {n.rsplit("/", 1)[1] for n in names if n.startswith("gearroom/_migrations/versions/")}
    expected = {p.name for p in (REPO / "migrations" / "versions").glob("*.py")}
    assert expected and shipped >= expected
    resources = {n for n in names if n.startswith("gearroom/_resources/")}
    in_checkout = {
        "gearroom/_resources/" + p.relative_to(REPO / "resources").as_posix()
        for p in (REPO / "resources").rglob("*")
        if p.is_file()
    }
    assert resources and resources >= in_checkout


@pytest.mark.slow
def test_an_installed_wheel_creates_its_database_from_any_folder(wheel, tmp_path):
    """A fresh virtualenv with only the wheel (and its dependencies) sets up a demo house."""
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", str(wheel)],
        check=True,
        capture_output=True,
        text=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    db_file = tmp_path / "house" / "gearroom.sqlite3"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    result = subprocess.run(
        [str(env_dir / "bin" / "gearroom"), "init", "--demo", "--db", f"sqlite:///{db_file}"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Database ready" in result.stdout
    where = subprocess.run(
        [str(python), "-c", "import gearroom.paths as p; print(p.migrations_dir())"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(where).is_relative_to(env_dir), where
    db = open_database(f"sqlite:///{db_file}", upgrade=False)
    try:
        assert db.state().current_revision == head_revision()
        with db.read() as s:
            assets = s.execute(text("SELECT count(*) FROM assets")).scalar_one()
        assert assets > 0
    finally:
        db.dispose()
