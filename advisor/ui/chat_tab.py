"""The Chat tab: streamed answers with their sources, and the facts a person typed
about themselves, offered to save to their profile (never saved unasked)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import gradio as gr

from advisor.errors import AdvisorError
from advisor.ui import render
from advisor.ui.common import describe_missing, error_text, markdown, user_of

if TYPE_CHECKING:
    from advisor.service import Advisor

EXAMPLES = [
    "What is the difference between active and passive income?",
    "How do real estate investment trusts pay their investors?",
    "Is a passive income side hustle really passive?",
    "What should I check before lending money on a peer-to-peer platform?",
]


class ChatTab:
    """The chat and its handlers, bound to one :class:`Advisor`."""

    def __init__(self, advisor: Advisor) -> None:
        self.advisor = advisor
        # facts a user typed in the chat, waiting for their "save" (never saved unasked)
        self._pending_facts: dict[str, dict[str, Any]] = {}

    def build(self) -> None:
        """The tab's components; call inside ``gr.Tab``."""
        self.chatbot = gr.Chatbot(
            label="Advisor",
            height=520,
            render_markdown=False,  # messages are escaped HTML (advisor.ui.render)
            latex_delimiters=[],
            sanitize_html=True,
            allow_tags=False,
            placeholder="Ask about passive and active income. Answers cite their sources.",
            elem_id="advisor-chatbot",
        )
        gr.ChatInterface(
            self.chat,
            chatbot=self.chatbot,
            textbox=gr.Textbox(
                placeholder="Ask a question…",
                show_label=False,
                submit_btn=True,
                elem_id="advisor-question",
            ),
            examples=EXAMPLES,
            cache_examples=False,
            api_name="chat",
            api_description="Ask the advisor; returns the answer and its sources.",
            fill_height=False,
            autofocus=False,
        )
        with gr.Row():
            self.facts_note = markdown(elem_id="advisor-chat-facts")
            self.save_facts = gr.Button(
                "Save these facts to my profile",
                visible=False,
                size="sm",
                elem_id="advisor-save-facts",
            )
        markdown(
            "Answers quote the library and your own documents; expand a source to "
            "read the passage. Tell the chat about yourself (\u201cI have $20,000 and 5 "
            "hours a week\u201d) for suggestions that fit. This is general information, "
            "not financial advice.",
            elem_classes=["advisor-note"],
        )

    def chat(
        self, message: str, history: list[dict[str, Any]], request: gr.Request
    ) -> Iterator[list[dict[str, Any]]]:
        """Stream the answer, then show it with its sources under it."""
        user = user_of(request)
        text = ""
        try:
            profile = self._profile_facts(user)
            events = self.advisor.stream(
                message, history=render.history_turns(history), user=user, profile=profile
            )
            for piece in events:
                text += piece
                yield [{"role": "assistant", "content": render.to_html(text)}]
            answer = events.answer()
            if answer.profile_facts:
                self._pending_facts[user] = dict(answer.profile_facts)
            yield render.answer_messages(answer, asked=message)
        except AdvisorError as exc:
            yield [{"role": "assistant", "content": render.to_html(f"⚠️ {exc}")}]

    def pending_facts(self, request: gr.Request) -> tuple[str, dict[str, Any]]:
        """What the person told the chat about themselves, with a button to save it."""
        from advisor.facts import describe

        facts = self._pending_facts.get(user_of(request))
        if not facts:
            return "", gr.update(visible=False)
        text = render.escape_markdown(
            f"From the chat: {describe(facts)}. Save these facts to your profile so "
            "suggestions use them next time?"
        )
        return text, gr.update(visible=True)

    def save_pending_facts(self, request: gr.Request) -> tuple[str, dict[str, Any]]:
        """Merge the facts from the chat into the saved profile (the person clicked)."""
        from advisor.profile import missing_fields, save_facts

        user = user_of(request)
        facts = self._pending_facts.get(user)
        if not facts:
            return "Nothing from the chat to save.", gr.update(visible=False)
        try:
            profile = save_facts(self.advisor.settings, user, facts)
        except AdvisorError as exc:
            return error_text(exc), gr.update(visible=True)
        self._pending_facts.pop(user, None)
        return render.escape_markdown("Saved to your profile. ") + describe_missing(
            missing_fields(profile)
        ), gr.update(visible=False)

    def _profile_facts(self, user: str) -> dict[str, Any] | None:
        from advisor.profile import load_profile

        facts = load_profile(self.advisor.settings, user).model_dump(
            exclude_none=True, exclude_defaults=True
        )
        return facts or None
