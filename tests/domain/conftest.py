"""The count's two paths: every test that asks for count_engine runs on the compiled core and on pure Python."""

import pytest

from app.domain.tally import compiled


@pytest.fixture(scope="module", params=["compiled", "pure"])
def count_engine(request):
    """Count on the compiled core (skipped if it was not built) or with it switched off (NB_TALLY_PURE=1)."""
    saved = compiled.CORE
    if request.param == "compiled":
        if saved is None:
            pytest.skip("the compiled core of the count was not built (no C compiler?) or NB_TALLY_PURE is set")
    else:
        compiled.CORE = None
    try:
        yield request.param
    finally:
        compiled.CORE = saved
