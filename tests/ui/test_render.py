"""Chat HTML: untrusted text escaped, citations linked to their paragraphs."""

from ui.render import anchor, answer_html, safe_url, sources_html

CITATION = {
    "number": 2,
    "release_id": "r1",
    "title": "Fine <b>paid</b>",
    "date": "2013-03-01",
    "url": "https://example.org/r1",
    "paragraph": 3,
    "text": "<script>alert(1)</script> The company paid.",
}


def test_answer_links_kept_markers_and_shows_the_cited_paragraph() -> None:
    answer = {"answer": "Paid [2]. Not a source [7].\nNext line", "citations": [CITATION]}
    html = answer_html(answer, "chat1-2")
    assert f'<a class="pc-cite" href="#{anchor("chat1-2", 2)}">[2]</a>' in html
    assert "[7]" in html and 'href="#pc-chat1-2-7"' not in html
    assert f'<li id="{anchor("chat1-2", 2)}"' in html
    assert "1 March 2013 · paragraph 4" in html  # shown 1-based
    assert "Next line" in html and "<br>" in html


def test_untrusted_text_is_escaped_everywhere() -> None:
    answer = {"answer": '<img src=x onerror="alert(1)"> [2]', "citations": [CITATION]}
    html = answer_html(answer, "k") + sources_html([CITATION], cited=[1], status="<b>q</b>")
    assert "<img" not in html and "<script>" not in html and "<b>" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_only_http_links_leave_the_page() -> None:
    assert safe_url("https://gov.kz/x?a=1") == "https://gov.kz/x?a=1"
    for bad in ("javascript:alert(1)", "data:text/html,x", "", None, 'https://x" onclick="y'):
        assert safe_url(bad) is None
    html = answer_html({"answer": "x [2]", "citations": [{**CITATION, "url": "javascript:x"}]}, "k")
    assert "javascript:" not in html and "Fine &lt;b&gt;paid&lt;/b&gt;" in html


def test_sources_panel_marks_the_cited_sources() -> None:
    html = sources_html([CITATION, {**CITATION, "title": "Other"}], cited=[2])
    assert html.count("pc-cited") == 1 and 'data-number="2"' in html
    assert "No sources yet" in sources_html([])


def test_stored_chats_from_the_browser_are_checked() -> None:
    from ui.chat_history import checked_saved_chats

    good_answer = {"answer": "Paid [2].", "citations": [CITATION], "sources": [CITATION]}
    store = {
        "active": "bad",
        "chats": {
            "good": {
                "title": "Fine?",
                "updated": "2026-11-27T10:00:00+00:00",
                "messages": [
                    {"role": "user", "content": "Fine?"},
                    {"role": "assistant", "answer": good_answer},
                ],
            },
            "bad": {"title": "x", "updated": "y", "messages": [{"role": "assistant"}]},
            "worse": {
                "title": "x",
                "updated": "y",
                "messages": [
                    {
                        "role": "assistant",
                        "answer": {"answer": "x", "citations": [{"number": "one"}]},
                    }
                ],
            },
        },
    }
    checked = checked_saved_chats(store)
    assert list(checked["chats"]) == ["good"] and checked["active"] == ""
    assert (
        checked_saved_chats(None) == checked_saved_chats("garbage") == {"active": "", "chats": {}}
    )


def test_the_sentence_a_citation_is_for_is_marked_and_escaped() -> None:
    cited = {**CITATION, "quote": "The company paid."}
    html = answer_html({"answer": "Paid [2].", "citations": [cited]}, "k")
    assert '<mark class="pc-hl">The company paid.</mark>' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark" in html
    hostile = {**CITATION, "quote": "<script>alert(1)</script>"}
    html = answer_html({"answer": "Paid [2].", "citations": [hostile]}, "k")
    assert '<mark class="pc-hl">&lt;script&gt;alert(1)&lt;/script&gt;</mark>' in html
    for missing in ({**CITATION, "quote": "not in the paragraph"}, CITATION):
        html = answer_html({"answer": "Paid [2].", "citations": [missing]}, "k")
        assert "<mark" not in html and "The company paid." in html
