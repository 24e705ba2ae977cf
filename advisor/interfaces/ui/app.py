"""The Gradio app: Chat, Profile, Suggestions and My documents tabs.

Every handler works out the user from the request (Gradio's login name, or the one
local user when there is no login), so one browser user never reaches another's
documents or profile. All document and answer text is shown escaped
(:mod:`advisor.interfaces.ui.render`), and the page needs nothing from the internet: the theme
uses the fonts Gradio ships, and the footer links to nothing outside.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import gradio as gr

from advisor.interfaces.ui.chat_tab import ChatTab
from advisor.interfaces.ui.documents_tab import DocumentsTab
from advisor.interfaces.ui.page import CSS, JS
from advisor.interfaces.ui.profile_tab import ProfileTab
from advisor.interfaces.ui.quiet import quiet_gradio_tracebacks
from advisor.interfaces.ui.suggestions_tab import SuggestionsTab

if TYPE_CHECKING:
    import fastapi

    from advisor.answering.service import Advisor

TITLE = "Passive-income advisor"


def theme() -> gr.themes.Base:
    """Gradio's default look with system fonts: nothing is fetched from a font CDN."""
    return gr.themes.Default(
        font=["ui-sans-serif", "system-ui", "sans-serif"],
        font_mono=["ui-monospace", "SFMono-Regular", "monospace"],
    )


def build_ui(advisor: Advisor, *, title: str = TITLE) -> gr.Blocks:
    """The whole app; events other than the ``/chat`` endpoint stay out of the API docs.

    Each tab builds its own components; the events are wired here, in one place,
    because several cross tabs (saving the profile refreshes the suggestions)."""
    chat, profile = ChatTab(advisor), ProfileTab(advisor)
    suggestions, documents = SuggestionsTab(advisor), DocumentsTab(advisor)
    hidden: dict[str, Any] = {"api_visibility": "undocumented"}
    with gr.Blocks(title=title, analytics_enabled=False) as demo:
        gr.Markdown(f"# {title}")
        with gr.Tab("Chat", id="chat"):
            chat.build()
        with gr.Tab("Profile", id="profile"):
            profile.build()
        with gr.Tab("Suggestions", id="suggestions"):
            suggestions.build()
        with gr.Tab("My documents", id="documents"):
            documents.build()

        s = suggestions
        form = [*profile.fields, profile.who, profile.profile_status]
        listed = [s.suggestion_text, s.score_chart]
        calculator_inputs = [s.cn_income, s.mg_goal, s.mg_contribution, s.mg_start]

        _wire_memory(demo, chat, profile, s, hidden)
        demo.load(profile.load_profile_form, None, form, **hidden)
        demo.load(
            documents.list_documents, None, [documents.doc_table, documents.doc_choice], **hidden
        )
        demo.load(s.suggestions, None, listed, **hidden)
        demo.load(s.calculator_defaults, None, calculator_inputs, **hidden)
        saved = profile.save.click(
            profile.save_profile_form, profile.fields, profile.profile_status, **hidden
        )
        saved.then(s.suggestions, None, listed, **hidden)
        saved.then(s.calculator_defaults, None, calculator_inputs, **hidden)
        s.refresh.click(s.suggestions, None, listed, **hidden)
        s.cn_button.click(s.capital_needed, [s.cn_income, s.cn_yield], s.cn_result, **hidden)
        s.mg_button.click(
            s.months_to_goal,
            [s.mg_goal, s.mg_yield, s.mg_contribution, s.mg_start, s.mg_growth],
            [s.mg_result, s.projection_chart],
            **hidden,
        )
        d = documents
        d.upload.upload(
            d.add_documents, d.upload, [d.doc_status, d.doc_table, d.doc_choice, d.upload], **hidden
        )
        d.delete.click(d.ask_delete, d.doc_choice, [d.confirm_text, d.confirm_row], **hidden)
        _wire_feedback(chat, hidden)
        _confirmed_delete(d, hidden)
        # bank statements: saving or deleting one refreshes the form and the suggestions
        profile.statements.wire(demo, [(profile.load_profile_form, form), (s.suggestions, listed)])
    return demo


def _wire_memory(
    demo: gr.Blocks,
    chat: ChatTab,
    profile: ProfileTab,
    s: SuggestionsTab,
    hidden: dict[str, Any],
) -> None:
    """The conversation kept in this browser's storage and back after a reload; after
    facts were saved from the chat, the profile form and the suggestions show them."""
    form = [*profile.fields, profile.who, profile.profile_status]
    refreshed = [*form, s.suggestion_text, s.score_chart]
    refreshed += [s.cn_income, s.mg_goal, s.mg_contribution, s.mg_start]

    def remember(history: Any, request: gr.Request) -> list[Any]:
        kept = chat.remember_chat(history, request)
        if not chat.take_saved(request):
            return [kept, *[gr.skip()] * len(refreshed)]
        return [
            kept,
            *profile.load_profile_form(request),
            *s.suggestions(request),
            *s.calculator_defaults(request),
        ]

    chat.chatbot.change(
        remember, chat.chatbot, [chat.saved_chat, *refreshed], show_progress="hidden", **hidden
    )
    restored = [chat.chatbot, chat.interface.chatbot_state]
    demo.load(chat.restore_chat, chat.saved_chat, restored, **hidden)


def _wire_feedback(chat: ChatTab, hidden: dict[str, Any]) -> None:
    """Thumbs up/down on an answer, and the comment a thumbs-down asks for, sent from
    the field that opens under that answer."""
    rated = [chat.feedback_note, chat.feedback_row, chat.disliked, chat.feedback_comment]
    chat.chatbot.like(chat.rate_answer, None, rated, show_progress="hidden", **hidden)
    for send in (chat.feedback_send.click, chat.feedback_comment.submit):  # in this order
        send(
            chat.send_rating,
            [chat.feedback_comment, chat.disliked],
            rated,
            show_progress="hidden",
            **hidden,
        )


def _confirmed_delete(d: DocumentsTab, hidden: dict[str, Any]) -> None:
    """Deleting asks first: "Yes, delete it" deletes, "Keep it" closes the question."""
    hide = {"fn": lambda: gr.update(visible=False), "inputs": None, "outputs": d.confirm_row}
    deleted = d.confirm.click(
        d.delete_document, d.doc_choice, [d.doc_status, d.doc_table, d.doc_choice], **hidden
    )
    deleted.then(**hide, **hidden)
    d.cancel.click(**hide, **hidden)


def mount_ui(
    app: fastapi.FastAPI,
    advisor: Advisor,
    *,
    path: str = "/",
    auth: list[tuple[str, str]] | Callable[[str, str], bool] | None = None,
) -> fastapi.FastAPI:
    """Mount the UI on a FastAPI app (the API's), with our offline theme and no SSR.

    Uploads are limited to ``ADVISOR_MAX_UPLOAD_BYTES`` before anything is stored and
    noted for their sender (:mod:`advisor.interfaces.ui.upload_guard`); uploads left
    waiting too long, and Chroma folders of deleted collections, are removed now."""
    from starlette.routing import Mount

    from advisor.interfaces.ui.upload_guard import UploadGuard
    from advisor.store.segments import sweep_orphan_segments
    from advisor.users.uploads import sweep

    demo = build_ui(advisor)
    mounted = gr.mount_gradio_app(
        app,
        demo,
        path=path,
        auth=auth or None,
        auth_message="Sign in to see your own documents and profile." if auth else None,
        footer_links=["api"],
        ssr_mode=False,
        theme=theme(),
        css=CSS,
        js=JS,
        max_file_size=advisor.settings.max_upload_bytes,
    )
    prefix = path.rstrip("/")
    gradio_app = next(r.app for r in mounted.routes if isinstance(r, Mount) and r.path == prefix)
    mounted.add_middleware(
        UploadGuard, settings=advisor.settings, prefix=prefix, gradio_app=gradio_app
    )
    sweep(advisor.settings)
    if not advisor.settings.chroma_url:  # folders of collections deleted in earlier runs
        sweep_orphan_segments(advisor.settings.chroma_dir)
    # Gradio checks that a file sent to a handler is one it received in an upload only
    # once the Blocks "has launched"; ``launch()`` sets that, mounting does not, so a
    # client could name any file on the server. Turn the check on for the mounted app.
    demo.has_launched = True
    quiet_gradio_tracebacks()
    return mounted
