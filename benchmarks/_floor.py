"""The floor the benchmarks measure the product against: a bare Flask app under the same gunicorn, on the same
database, doing only what the request must (gunicorn ... _floor:app, run from benchmarks/).

POST /cast   one durable INSERT (the same SQLite settings as the product: WAL, synchronous=FULL; or the same
             PostgreSQL server), then a redirect: the least a cast can cost.
GET /page    FLOOR_PAGE's text as a Jinja template (compiled once) rendered with no database, session or CSRF:
             the least a results page can cost.
"""

import os
import sys
from pathlib import Path

from flask import Flask, redirect, request
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import app.database  # noqa: E402, F401  (the product's SQLite connection settings, so the INSERT is as durable)
from app.config import sqlalchemy_url  # noqa: E402

app = Flask(__name__)
engine = create_engine(sqlalchemy_url(os.environ["FLOOR_DATABASE_URL"]))  # the table: _live.start_floor
PAGE = app.jinja_env.from_string(  # compiled once, as Flask keeps a file template
    Path(os.environ["FLOOR_PAGE"]).read_text() if os.environ.get("FLOOR_PAGE") else "<p>{{ n }}</p>")
INSERT = text("INSERT INTO floor_cast (choices) VALUES (:choices)")


@app.post("/cast")
def cast():
    with engine.begin() as connection:
        connection.execute(INSERT, {"choices": ",".join(request.form.getlist("project"))})
    return redirect("/page", 303)


@app.get("/page")
def page():
    return PAGE.render(n=1)
