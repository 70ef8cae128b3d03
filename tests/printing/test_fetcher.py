"""The renderer's URL fetcher: the project's static files and data: URIs, nothing else."""

import pytest

from printing.fetcher import BASE_URL, RefusedURL, SafeURLFetcher, static_url


@pytest.fixture
def fetcher():
    return SafeURLFetcher()


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/hostname",
        "file:///etc/passwd",
        "FILE:///etc/hostname",
        "http://127.0.0.1:9/x.png",
        "https://example.com/style.css",
        "http://print.liaison.invalid/static/print/gbt9704.css",  # right path, wrong scheme
        "https://evil.example/static/print/gbt9704.css",  # right path, other host
        BASE_URL + "etc/hostname",  # outside /static/
        BASE_URL + "static/../../../../etc/hostname",
        BASE_URL + "static/%2e%2e/%2e%2e/etc/hostname",
        BASE_URL + "static/print/gbt9704.css?redirect=http://example.com/",
        BASE_URL + "static/print/does-not-exist.css",
        "ftp://example.com/file",
        "javascript:alert(1)",
    ],
)
def test_refuses_everything_but_static_and_data(fetcher, url):
    with pytest.raises(RefusedURL):
        fetcher.fetch(url)


def test_never_opens_through_urllib(fetcher):
    # urllib's opener (and its redirect handling) is never used: open() refuses outright
    with pytest.raises(RefusedURL):
        fetcher.open("http://example.com/")


def test_serves_the_print_stylesheet(fetcher):
    response = fetcher.fetch(static_url("print/gbt9704.css"))
    assert response.content_type == "text/css"
    assert b"GB/T 9704" in response.read()


def test_decodes_data_uris(fetcher):
    assert fetcher.fetch("data:text/plain;base64,5L2g5aW9").read() == "你好".encode()
    assert fetcher.fetch("data:image/svg+xml,%3Csvg%2F%3E").read() == b"<svg/>"
