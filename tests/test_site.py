"""A document's site: the key that groups a site's pages for template evidence (issue 14)."""

from __future__ import annotations

import pytest

from annotator.io.site import document_site, host_of, site_from_html, site_from_meta


@pytest.mark.parametrize(("url", "host"), [
    ("https://www.BBC.co.uk:443/news/1", "bbc.co.uk"),
    ("http://example.org", "example.org"),
    ("//cdn.example.org/x", "cdn.example.org"),
    ("/news/1", None), ("file:///tmp/a.html", None), ("mailto:a@b.c", None),
    ("http://[::1", None), (None, None), (42, None), ("", None),
])
def test_host_of_an_absolute_url_only(url, host):
    assert host_of(url) == host


def test_meta_site_wins_over_url_and_names_compare_case_insensitively():
    assert site_from_meta({"site": "BBC  News", "url": "https://cnn.com/a"}) == "bbc news"
    assert site_from_meta({"site": "https://www.theguardian.com/uk"}) == "theguardian.com"
    assert site_from_meta({"url": "https://www.nytimes.com/2020/a.html"}) == "nytimes.com"
    assert site_from_meta({"domain": "www.reuters.com"}) == "reuters.com"
    assert site_from_meta({"site": "  ", "url": "not a url"}) is None
    assert site_from_meta(None) is None
    assert site_from_meta({"site": ["a list"]}) is None


def test_html_canonical_then_og_url_in_any_attribute_order():
    page = ('<html><head><meta content="https://og.example.com/a" property="og:url">'
            "<link href='https://www.Canon.example.com/a?x=1' rel='Canonical'></head>"
            '<body><link rel="canonical" href="https://body.example.com/"></body></html>')
    assert site_from_html(page) == "canon.example.com"
    only_og = '<head><META NAME="og:url" CONTENT="http://og.example.com/x"></head>'
    assert site_from_html(only_og) == "og.example.com"
    assert site_from_html('<head><link rel="canonical" href="/relative"></head>') is None
    assert site_from_html("<html><body><p>No head</p></body></html>") is None
    assert site_from_html("") is None and site_from_html(None) is None


def test_a_canonical_in_the_body_is_not_the_pages_own():
    assert site_from_html('<body><link rel="canonical" href="https://x.com/"></body>') is None


def test_document_site_prefers_meta_and_falls_back_on_html():
    page = '<head><link rel="canonical" href="https://page.example.com/1"></head>'
    assert document_site({"source": "a.html"}, page) == "page.example.com"
    assert document_site({"url": "https://meta.example.com/1"}, page) == "meta.example.com"
    assert document_site({"source": "a.txt"}) is None
