"""The UI without a browser: text shown as text, chat history, login names, credentials
and the document handlers."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from advisor.core.answers import Answer, Citation
from advisor.core.errors import InputError
from advisor.interfaces.ui import render
from advisor.interfaces.ui.auth import LOCAL_USER, load_credentials, user_id_for
from advisor.users.ids import validate_user_id

MARKUP = (
    "<script>alert('x')</script> <img src=x onerror=alert(1)> **bold** [a](javascript:x) $5 & co"
)


@given(st.text())
def test_html_rendering_round_trips_any_text(text):
    assert render.from_html(render.to_html(text)) == text


_OUR_TABLE_TAGS = re.compile(r'</?table>|<tr data-md="[^"<>]*"(?: hidden)?>|</tr>|</?t[hd]>')


@given(st.text())
def test_html_rendering_leaves_no_markup(text):
    out = _OUR_TABLE_TAGS.sub("", render.to_html(text).replace("<br>\n", ""))
    assert "<" not in out and ">" not in out


@given(st.lists(st.lists(st.text(alphabet=st.characters(exclude_characters="|\n")), min_size=2,
                         max_size=2), min_size=1, max_size=3))  # fmt: skip
def test_a_markdown_table_shows_as_a_table_of_escaped_cells_and_round_trips(rows):
    lines = ["| side | value |", "|---|---|", *(f"| {a} | {b} |" for a, b in rows)]
    text = "A side-by-side:\n" + "\n".join(lines) + "\n\n“A quote” [1]."
    markup = render.to_html(text)
    assert markup.count("<table>") == 1 and markup.count("<td>") == 2 * len(rows)
    assert render.from_html(markup) == text
    cells = re.findall(r"<td>(.*?)</td>", markup)
    assert [html.unescape(c) for c in cells] == [c.strip() for row in rows for c in row]
    assert "<script" not in _OUR_TABLE_TAGS.sub("", markup)


@given(st.text(alphabet=st.characters(codec="ascii", exclude_categories=["Cc"])))
def test_escaped_markdown_renders_as_the_literal_text(text):
    from markdown_it import MarkdownIt

    rendered = MarkdownIt("commonmark").renderInline(render.escape_markdown(text))
    assert html.unescape(rendered) == text


def test_escaped_markdown_has_no_tags_links_or_emphasis():
    from markdown_it import MarkdownIt

    rendered = MarkdownIt("commonmark").render(render.escape_markdown(MARKUP))
    assert "<script" not in rendered and "<img" not in rendered
    assert "<a " not in rendered and "<strong>" not in rendered
    assert html.unescape(rendered).strip() == f"<p>{MARKUP}</p>"


def _answer(**kw: object) -> Answer:
    citations = [
        Citation(
            n=1, source="notes.txt", title=MARKUP, text=MARKUP, score=0.5, origin="user", cited=True
        ),
        Citation(n=2, source="lib.md", title="Library", text="not cited", score=0.4),
    ]
    return Answer(answer="Text [1].", citations=citations, question="Q?", **kw)  # type: ignore[arg-type]


def test_answer_messages_show_cited_sources_escaped_and_collapsed():
    messages = render.answer_messages(_answer(), asked="Q?")
    assert messages[0] == {"role": "assistant", "content": "Text [1]."}
    assert len(messages) == 2  # only the cited source; no 'read as' for an unchanged question
    source = messages[1]
    assert source["metadata"]["status"] == "done"
    assert "your documents" in source["metadata"]["title"]
    assert "<script>" not in source["content"] and "&lt;script&gt;" in source["content"]
    assert "<img" not in source["metadata"]["title"]


def test_a_recommender_answer_leads_with_the_picks_and_folds_its_disclaimer_under_the_sources():
    from advisor.recommender import DISCLAIMER

    picks = "Streams that suit your profile, best fit first:\n\n1. REITs [1]."
    answer = _answer().model_copy(update={"answer": f"{picks}\n\n{DISCLAIMER}"})
    messages = render.answer_messages(answer, asked="Q?")
    assert render.from_html(messages[0]["content"]) == picks
    assert "your documents" in messages[1]["metadata"]["title"]  # the source comes next
    last = messages[-1]
    assert last["metadata"]["title"] == "General information, not financial advice"
    assert render.from_html(last["content"]) == DISCLAIMER
    # a disclaimer alone, or one that is not at the end, is left where it is
    assert render.split_disclaimer(DISCLAIMER) == (DISCLAIMER, None)
    assert render.split_disclaimer(f"{DISCLAIMER} More.")[1] is None


def test_every_chat_message_reads_back_as_plain_text():
    """What /chat returns to API clients: from_html gives the text with no markup, the
    document's own '<script>' as characters; in the browser the source stays a quote."""
    answer = _answer(warnings=["first <note>", "second & last"])
    answer.citations[0].text = f"{MARKUP}\nsecond line"
    messages = render.answer_messages(answer, asked="Q?")
    plain = [render.from_html(m["content"]) for m in messages]
    assert plain == [
        "Text [1].",
        f"{MARKUP}\nsecond line\n\nSource: notes.txt",
        "- first <note>\n- second & last",
    ]
    assert render.from_html(messages[1]["metadata"]["title"]) == f"[1] {MARKUP} · your documents"
    assert messages[1]["content"].startswith("<blockquote>"), "the browser shows a quote"
    for message in messages:
        tags = re.findall(r"<[^>]*>", message["content"])
        assert set(tags) <= {"<br>", "<blockquote>", "</blockquote>", "<p>", "</p>",
                             "<ul>", "</ul>", "<li>", "</li>"}  # fmt: skip


@given(st.text(), st.text(min_size=1))
def test_a_source_reads_back_as_its_passage_and_file(text, source):
    citation = Citation(n=1, source=source, title="t", text=text, score=0.5, cited=True)
    content = render.source_message(citation)["content"]
    assert render.from_html(content) == f"{text.strip()}\n\nSource: {source}"
    outside = re.sub(r"</?(blockquote|p)>|<br>\n", "", content)
    assert "<" not in outside and ">" not in outside


def test_a_rewritten_follow_up_is_shown():
    messages = render.answer_messages(_answer(), asked="And that?")
    titles = [m.get("metadata", {}).get("title", "") for m in messages]
    assert "Read as: Q?" in titles


def test_a_plain_decline_shows_no_sources():
    messages = render.answer_messages(_answer(declined=True, reason="off_topic"))
    assert len(messages) == 1


def test_history_drops_sources_and_gives_back_the_advisor_text():
    answer = _answer()
    answer.answer = "A < B & C\nsecond line [1]."
    history = [{"role": "user", "content": "first <question>"}, *render.answer_messages(answer)]
    turns = render.history_turns(history)
    assert [(t.role, t.content) for t in turns] == [
        ("user", "first <question>"),
        ("assistant", "A < B & C\nsecond line [1]."),
    ]


def test_history_skips_non_text_content():
    turns = render.history_turns([{"role": "user", "content": {"path": "x.png"}}])
    assert turns == []


@pytest.mark.parametrize("name", ["alice", "Bob_2", "a"])
def test_valid_login_names_are_used_as_user_ids(name):
    assert user_id_for(name) == name


def test_no_login_is_the_local_user():
    assert user_id_for(None) == user_id_for("") == LOCAL_USER


def test_other_login_names_map_to_distinct_valid_ids():
    names = ["alice@example.com", "alice.example.com", "alice example com", "../etc", "ü"]
    ids = [user_id_for(n) for n in names]
    assert len(set(ids)) == len(ids)
    for user_id in ids:
        assert validate_user_id(user_id) == user_id
    assert user_id_for("alice@example.com") == user_id_for("alice@example.com")


def test_credentials_come_from_flags_and_a_users_file(tmp_path: Path):
    users = tmp_path / "users.txt"
    users.write_text("# logins\nbob:pw:with:colons\n\ncarol:secret\n", encoding="utf-8")
    pairs = load_credentials(["alice:pw"], users)
    assert pairs == [("alice", "pw"), ("bob", "pw:with:colons"), ("carol", "secret")]


@pytest.mark.parametrize("bad", ["alice", ":pw", "alice:"])
def test_a_malformed_credential_is_a_one_line_error(bad):
    with pytest.raises(InputError, match="USER:PASS"):
        load_credentials([bad], None)


def test_a_user_given_twice_is_refused(tmp_path: Path):
    users = tmp_path / "users.txt"
    users.write_text("alice:two\n", encoding="utf-8")
    with pytest.raises(InputError, match="more than once"):
        load_credentials(["alice:one"], users)


def test_a_missing_users_file_is_a_clear_error(tmp_path: Path):
    with pytest.raises(InputError, match="--users-file"):
        load_credentials([], tmp_path / "nope.txt")


def test_serve_rejects_bad_auth_before_loading_anything(capsys):
    from advisor.interfaces.cli.main import run

    with pytest.raises(SystemExit) as exit_info:
        run(["serve", "--auth", "no-colon"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --auth: expected USER:PASS") and err.count("\n") == 1


def test_uploads_go_to_the_login_users_collection_and_leave_no_cached_copy(
    writable_advisor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The handlers take the user from the login; the uploaded copy is removed after ingest."""
    import gradio as gr

    from advisor.interfaces.ui.documents_tab import DocumentsTab
    from advisor.users.documents import list_documents
    from advisor.users.uploads import record

    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / "gradio-cache"))  # the upload folder
    upload = tmp_path / "gradio-cache" / ("ab" * 32) / "notes.txt"  # Gradio's hash folder
    upload.parent.mkdir(parents=True)
    upload.write_text("My tram stop kiosk earns 90 euros a month.", encoding="utf-8")
    # what the upload route notes (tests/test_ui_uploads.py sends it over HTTP)
    record(writable_advisor.settings, "alice", "", [upload])
    handlers = DocumentsTab(writable_advisor)
    status, table, _choices, cleared = handlers.add_documents(
        [str(upload)], gr.Request(username="alice"), progress=lambda *a, **k: None
    )
    assert render.escape_markdown("(1 passage): used in your answers") in status and cleared is None
    assert list(table["File"]) == ["notes.txt"]
    assert not upload.exists()
    assert [d.source for d in list_documents(writable_advisor, "alice")] == ["notes.txt"]
    assert list_documents(writable_advisor, "local") == []
    refused, other, _ = handlers.delete_document("notes", gr.Request(username="bob"))
    assert render.escape_markdown("has no document") in refused and other.empty
    assert len(list_documents(writable_advisor, "alice")) == 1


def test_serve_beyond_this_machine_needs_logins_and_api_keys(capsys):
    from advisor.interfaces.cli.main import run

    with pytest.raises(SystemExit):
        run(["serve", "--host", "0.0.0.0"])
    assert "without logins" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        run(["serve", "--host", "0.0.0.0", "--auth", "alice:pw"])
    assert "without API keys" in capsys.readouterr().err
