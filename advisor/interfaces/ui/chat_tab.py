"""The Chat tab: streamed answers with their sources, and the facts a person typed
about themselves, offered to save to their profile (never saved unasked).

The offer is part of the answer that found the facts: a Gradio message option (a
button under that answer) that, clicked, sends "Save these facts to my profile" as the
next message, which this tab answers by saving them. Gradio shows a message's options
only while it is the last one, and the server drops the offer when the next message
comes, so an offer never outlives its answer; it belongs to one browser session (a
page load) and goes with a cleared or reloaded conversation."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

import gradio as gr

from advisor.core.errors import AdvisorError
from advisor.interfaces.ui import render
from advisor.interfaces.ui.common import error_text, markdown, missing_names, user_of

if TYPE_CHECKING:
    from advisor.answering.service import Advisor
    from advisor.core.answers import Answer, Turn

THANKS_UP = "Thanks: marked as helpful."
ASK_WHY = "Sorry it missed. What was wrong? A comment is optional; press Send to record it."
THANKS_DOWN = "Thanks: your rating is recorded."
SAVE_FACTS = "Save these facts to my profile"  # the option's value: sent as a message
KEPT_OFFERS = 1000  # browser sessions with an offer waiting
CHAT_HEIGHT = "calc(100dvh - 240px)"  # the chat fills the window under the tabs
KEPT_EXCHANGES = 100  # answers per user that can still be rated


class Exchange(NamedTuple):
    """An answer as the advisor gave it, kept on the server so a rating stores what was
    really asked and answered, never what a client claims."""

    question: str
    history: list[Turn]
    answer: Answer


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
        # facts the last answer found, offered under it until the next message (never
        # saved unasked), by (user, browser session): offered in that session only
        self._offers: OrderedDict[tuple[str, str], dict[str, Any]] = OrderedDict()
        self._saved: set[tuple[str, str]] = set()  # sessions whose profile just changed
        # each user's recent answers, by the HTML the chat shows, for thumbs up/down
        self._exchanges: dict[str, OrderedDict[str, Exchange]] = {}

    def build(self) -> None:
        """The tab's components; call inside ``gr.Tab``."""
        self.chatbot = gr.Chatbot(
            label="Advisor",
            show_label=False,  # a floating label would cover the first line
            height=CHAT_HEIGHT,
            min_height=320,
            autoscroll=False,  # the page script scrolls a new answer to its start
            buttons=["copy", "copy_all"],
            render_markdown=False,  # messages are escaped HTML (advisor.interfaces.ui.render)
            latex_delimiters=[],
            sanitize_html=True,
            allow_tags=False,
            placeholder="Ask about passive and active income. Answers cite their sources.",
            elem_id="advisor-chatbot",
        )
        self.interface = gr.ChatInterface(
            self.chat,
            chatbot=self.chatbot,
            textbox=gr.Textbox(
                label="Your question",
                placeholder="Ask about passive or active income…",
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
        self.feedback_note = markdown(elem_id="advisor-feedback-note")
        self.saved_chat = gr.BrowserState(None, storage_key="advisor-conversation")
        self.disliked = gr.State(None)  # the answer a thumbs-down is waiting on
        with gr.Row(visible=False, elem_id="advisor-feedback", equal_height=True) as row:
            self.feedback_row = row
            self.feedback_comment = gr.Textbox(
                label="What was wrong with this answer? (optional)",
                max_length=2000,
                lines=1,
                scale=4,
                elem_id="advisor-feedback-comment",
            )
            self.feedback_send = gr.Button(
                "Send", scale=1, variant="primary", elem_id="advisor-feedback-send"
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
        key = _session(user, request)
        offer = self._offers.pop(key, None)  # an offer lasts until the next message
        if not isinstance(message, str) or not message.strip():
            yield [{"role": "assistant", "content": render.to_html("Type a question first.")}]
            return
        if offer is not None and message.strip() == SAVE_FACTS:
            yield [{"role": "assistant", "content": render.to_html(self._save(key, offer))}]
            return
        text = ""
        try:
            profile = self._profile_facts(user)
            turns = render.history_turns(history)
            events = self.advisor.stream(message, history=turns, user=user, profile=profile)
            for piece in events:
                text += piece
                yield [{"role": "assistant", "content": render.to_html(text)}]
            answer = events.answer()
            messages = render.answer_messages(answer, asked=message)
            if answer.profile_facts:
                self._offer(key, dict(answer.profile_facts), messages[-1])
            self._keep(user, messages[0]["content"], Exchange(message, turns, answer))
            yield messages
        except AdvisorError as exc:
            yield [{"role": "assistant", "content": render.to_html(f"⚠️ {exc}")}]

    def _keep(self, user: str, shown: str, exchange: Exchange) -> None:
        kept = self._exchanges.setdefault(user, OrderedDict())
        kept[shown] = exchange
        kept.move_to_end(shown)
        while len(kept) > KEPT_EXCHANGES:
            kept.popitem(last=False)

    def rate_answer(self, like: gr.LikeData, request: gr.Request) -> tuple[Any, ...]:
        """A thumbs up is stored at once; a thumbs down opens the comment field beside the
        answer and is stored by :meth:`send_rating` (with or without a comment)."""
        same = (gr.update(), gr.update(), gr.update(), gr.update())
        liked = getattr(like, "liked", None)
        if not isinstance(liked, bool):  # no event, a thumb clicked off, another option
            return same
        shown = _first_text(getattr(like, "value", None))
        if shown is None or self._exchange(user_of(request), shown) is None:
            note = "Only an answer given since this page was opened can be rated: ask again."
            return render.escape_markdown(note), gr.update(visible=False), None, gr.update()
        if not liked:
            return render.escape_markdown(ASK_WHY), gr.update(visible=True), shown, ""
        _, note = self._record(user_of(request), shown, "up", "")
        return note, gr.update(visible=False), None, ""

    def send_rating(
        self, comment: Any, disliked: Any, request: gr.Request
    ) -> tuple[str, dict[str, Any], str | None, Any]:
        """Store the thumbs down waiting in this session, with the comment typed."""
        user = user_of(request)
        if not isinstance(disliked, str) or self._exchange(user, disliked) is None:
            note = "Click the thumbs-down under an answer first."
            return render.escape_markdown(note), gr.update(visible=False), None, gr.update()
        text = comment if isinstance(comment, str) else ""
        stored, note = self._record(user, disliked, "down", text)
        if not stored:  # e.g. a comment too long: keep the field open to fix it
            return note, gr.update(visible=True), disliked, gr.update()
        return note, gr.update(visible=False), None, ""

    def _exchange(self, user: str, shown: str | None) -> Exchange | None:
        kept = self._exchanges.get(user)
        return kept.get(shown) if kept is not None and shown else None

    def _record(self, user: str, shown: str, rating: str, comment: str) -> tuple[bool, str]:
        """Store a rating for an answer this server gave ``user``: stored?, the note."""
        from advisor.users.feedback import record_feedback

        exchange = self._exchange(user, shown)
        if exchange is None:
            return False, render.escape_markdown("That answer can no longer be rated: ask again.")
        answer = exchange.answer
        try:
            record_feedback(
                self.advisor.settings,
                user,
                question=exchange.question,
                answer=answer.answer,
                rating=rating,
                comment=comment,
                history=[t.model_dump() for t in exchange.history],
                citations=[c.model_dump() for c in render.shown_citations(answer)],
                engine=answer.engine,
                reason=answer.reason,
            )
        except AdvisorError as exc:
            return False, error_text(exc)
        return True, render.escape_markdown(THANKS_UP if rating == "up" else THANKS_DOWN)

    def _offer(self, key: tuple[str, str], facts: dict[str, Any], last: dict[str, Any]) -> None:
        """Offer ``facts`` under the answer whose last message is ``last``."""
        from advisor.conversation.facts import describe

        self._offers[key] = facts
        self._offers.move_to_end(key)
        while len(self._offers) > KEPT_OFFERS:
            self._offers.popitem(last=False)
        label = f"Save to my profile: {describe(facts)}"
        last["options"] = [{"value": SAVE_FACTS, "label": label}]

    def _save(self, key: tuple[str, str], facts: dict[str, Any]) -> str:
        """Merge the offered facts into the saved profile (the person clicked)."""
        from advisor.conversation.facts import describe
        from advisor.users.profile import missing_fields
        from advisor.users.profile_store import save_facts

        try:
            profile = save_facts(self.advisor.settings, key[0], facts)
        except AdvisorError as exc:
            return f"⚠️ Not saved: {exc}"
        self._saved.add(key)
        missing = missing_fields(profile)
        still = f" Still unknown: {missing_names(missing)}." if missing else ""
        return f"Saved to your profile: {describe(facts)}.{still}"

    def take_saved(self, request: gr.Request) -> bool:
        """Whether this session saved facts from the chat since it was last asked."""
        key = _session(user_of(request), request)
        if key in self._saved:
            self._saved.discard(key)
            return True
        return False

    def remember_chat(self, history: Any, request: gr.Request) -> dict[str, Any]:
        """The conversation as the browser keeps it over a reload; an emptied chat
        (Clear) drops the offer with the conversation."""
        user = user_of(request)
        messages = kept_messages(history)
        if not messages:
            self._offers.pop(_session(user, request), None)
        return {"user": user, "messages": messages}

    def restore_chat(self, stored: Any, request: gr.Request) -> tuple[Any, Any]:
        """The conversation this browser kept, when it is this user's (after a reload):
        for the chat shown and for the history the chat sends with the next question."""
        if not isinstance(stored, dict) or stored.get("user") != user_of(request):
            return gr.skip(), gr.skip()
        messages = kept_messages(stored.get("messages"))
        return (messages, messages) if messages else (gr.skip(), gr.skip())

    def _profile_facts(self, user: str) -> dict[str, Any] | None:
        from advisor.users.profile_store import load_profile

        facts = load_profile(self.advisor.settings, user).model_dump(
            exclude_none=True, exclude_defaults=True
        )
        return facts or None


def _first_text(value: Any) -> str | None:
    """The text of the first message of a rated group (Gradio sends their contents)."""
    first = value[0] if isinstance(value, list) and value else value
    if isinstance(first, list):  # content as parts: [{"type": "text", "text": ...}]
        texts = [p.get("text") for p in first if isinstance(p, dict)]
        first = "".join(t for t in texts if isinstance(t, str))
    if isinstance(first, dict):
        first = first.get("text") if isinstance(first.get("text"), str) else None
    return first if isinstance(first, str) else None


KEPT_MESSAGES = 200  # messages of a conversation the browser keeps over a reload
KEPT_CHARS = 200_000


def _session(user: str, request: gr.Request | None) -> tuple[str, str]:
    """A browser session (one page load) of a user."""
    return user, str(getattr(request, "session_hash", None) or "")


def kept_messages(history: Any) -> list[dict[str, Any]]:
    """The chat messages worth keeping in the browser: role, text and a source's title
    only, so what comes back from the browser is plain data of the shape we wrote."""
    if not isinstance(history, list):
        return []
    kept: list[dict[str, Any]] = []
    size = 0
    for message in history[-KEPT_MESSAGES:]:
        if not isinstance(message, dict) or message.get("role") not in ("user", "assistant"):
            continue
        content = render.message_text(message.get("content"))
        if content is None:
            continue
        size += len(content)
        if size > KEPT_CHARS:
            break
        entry: dict[str, Any] = {"role": message["role"], "content": content}
        metadata = message.get("metadata")
        title = metadata.get("title") if isinstance(metadata, dict) else None
        if isinstance(title, str) and title:
            entry["metadata"] = {"title": title[:500], "status": "done"}
        kept.append(entry)
    return kept
