"""Builds the optional compiled core of the count (app/domain/tally/_mescore.c) with the project.

Everything else is in pyproject.toml. The extension is optional: when it cannot be built (no C compiler,
no Python headers) the install goes on and the count runs on its pure-Python engines.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "app.domain.tally._mescore",
            sources=["app/domain/tally/_mescore.c"],
            optional=True,
        )
    ]
)
