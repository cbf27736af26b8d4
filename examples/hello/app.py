"""A small vial app: an HTML page, a greeting page and a JSON endpoint.

Serve it with ``nox -s demo``, with ``vial --app examples/hello/app.py run``,
or with ``python examples/hello/app.py``; then open http://127.0.0.1:5000/.
"""

from __future__ import annotations

from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse

from vial import abort
from vial import jsonify
from vial import redirect
from vial import render_template
from vial import request
from vial import Response
from vial import url_for
from vial import Vial
from vial.typing import ResponseReturnValue

app = Vial(__name__)

#: Longest name the greeting routes accept, so a page stays readable.
MAX_NAME_LENGTH = 40


def _clean_name(raw: str) -> str:
    """Return ``raw`` stripped, or abort with 400 if it is empty or too long."""
    name = raw.strip()
    if not name:
        abort(400, description="Give a name, for example ?name=Ada.")
    if len(name) > MAX_NAME_LENGTH:
        abort(
            400,
            description=f"Names are at most {MAX_NAME_LENGTH} characters long.",
        )
    return name


@app.get("/")
def index() -> str:
    """Show the welcome page with a form that asks for a name."""
    return render_template("index.html")


@app.get("/greet")
def greet_form() -> BaseResponse:
    """Turn the form's ``?name=`` into the greeting page's URL."""
    name = _clean_name(request.args.get("name", ""))
    return redirect(url_for("hello", name=name))


@app.get("/hello/<name>")
def hello(name: str) -> str:
    """Greet ``name`` on an HTML page."""
    return render_template("hello.html", name=_clean_name(name))


@app.get("/api/greeting")
def greeting_api() -> Response:
    """Return the greeting for ``?name=`` (default ``world``) as JSON."""
    name = _clean_name(request.args.get("name", "world"))
    return jsonify(greeting=f"Hello, {name}!", name=name)


@app.errorhandler(HTTPException)
def api_error(error: HTTPException) -> ResponseReturnValue:
    """Answer errors under ``/api/`` with JSON; pages keep the HTML error page."""
    if request.path.startswith("/api/"):
        body = jsonify(error=error.name, description=error.description)
        return body, error.code or 500
    return error


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=5000)
