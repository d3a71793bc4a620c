"""PDF output: laid out from our own HTML, and nothing outside static/ is ever fetched for it."""

from __future__ import annotations

import pytest

from server.web.downloads import download
from server.web.pdf import BASE_URL, NotFetched, pdf_from_html, static_file


@pytest.mark.parametrize("url", [
    f"{BASE_URL}static/../pyproject.toml",
    f"{BASE_URL}static/%2e%2e/pyproject.toml",
    f"{BASE_URL}static/css/../../server/config.py",
    f"{BASE_URL}server/config.py",
    "http://example.com/static/css/convene.css",
    "http://169.254.169.254/latest/meta-data/",
    "file:///etc/passwd",
    "data:text/css,body{}",
])
def test_a_pdf_fetches_nothing_but_our_static_files(url):
    with pytest.raises(NotFetched):
        static_file(url)


def test_a_pdf_fetches_our_stylesheet():
    assert static_file(f"{BASE_URL}static/css/convene.css").name == "convene.css"


async def test_a_page_becomes_a_pdf_with_its_text_whatever_the_script():
    pdf = await pdf_from_html('<link rel="stylesheet" href="/static/css/convene.css">'
                              '<h1>Acta de la reunión</h1><img src="http://127.0.0.1:9/x.png"><p>Nguyễn Thị Lan</p>')
    assert pdf.startswith(b"%PDF-")


def test_a_download_is_saved_never_run_and_keeps_its_name():
    response = download(b"%PDF-1.7", 'Minutes "March"; reunión.pdf', "application/pdf")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="Minutes _March__ reuni_n.pdf"')
    assert "filename*=UTF-8''Minutes%20%22March%22%3B%20reuni%C3%B3n.pdf" in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"].startswith("sandbox")
