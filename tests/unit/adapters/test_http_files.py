"""An http(s) base as users configure it: errors name where the files were looked for,
with the port (two local mirrors differ only by it) and never the credentials."""

from __future__ import annotations

import pytest

from processors.adapters.files import HttpFiles


@pytest.mark.parametrize(
    ("base", "described"),
    [
        ("http://127.0.0.1:8765/wyscout/v2", "wyscout URL http://127.0.0.1:8765/wyscout/v2/"),
        ("https://data.example.com/feeds/", "wyscout URL https://data.example.com/feeds/"),
        (
            "https://user:s3cret@data.example.com:8443/x",
            "wyscout URL https://data.example.com:8443/x/",
        ),
        ("http://[::1]:9000/v2", "wyscout URL http://[::1]:9000/v2/"),
    ],
)
def test_the_description_names_scheme_host_port_and_path_but_no_credentials(base, described):
    assert HttpFiles("wyscout", base).describe() == described
    assert "s3cret" not in HttpFiles("wyscout", base).describe()
