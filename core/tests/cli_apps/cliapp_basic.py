"""An app named ``app``, with commands in the app's and a blueprint's group."""

from __future__ import annotations

import click

from vial import Blueprint
from vial import current_app
from vial import Vial

app = Vial(__name__)


@app.route("/")
def index() -> str:
    return "index"


@app.cli.command()
def hello() -> None:
    """Greet from inside the app context."""
    click.echo(f"hello from {current_app.name}")


bp = Blueprint("admin", __name__)


@bp.cli.command("create-user")
@click.argument("name")
def create_user(name: str) -> None:
    """Create a user."""
    click.echo(f"created {name} in {current_app.name}")


app.register_blueprint(bp)
