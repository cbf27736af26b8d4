from __future__ import annotations

import os
from pathlib import Path

import pytest

from vial_sqlalchemy.migrate.alembic_config import Config
from vial_sqlalchemy.migrate.alembic_config import TEMPLATES


def test_templates_are_vials() -> None:
    assert Config().get_template_directory() == TEMPLATES
    assert sorted(os.listdir(TEMPLATES)) == ["vial", "vial-multidb"]
    for name in ("vial", "vial-multidb"):
        files = sorted(os.listdir(os.path.join(TEMPLATES, name)))
        assert files == ["README", "alembic.ini.mako", "env.py", "script.py.mako"]


def test_template_directory_of_the_project(tmp_path: Path) -> None:
    config = Config(template_directory=str(tmp_path))
    assert config.get_template_directory() == str(tmp_path)


def test_output_goes_to_the_stdout_of_the_moment(
    capsys: pytest.CaptureFixture[str],
) -> None:
    Config().print_stdout("seen %s", "here")
    assert capsys.readouterr().out == "seen here\n"
