import pytest

from tests.support.live_server import LiveServer


@pytest.fixture(scope="module")
def live(tmp_path_factory, mail_server):
    server = LiveServer(tmp_path_factory.mktemp("live"), mail_server.port)
    yield server
    server.close()
