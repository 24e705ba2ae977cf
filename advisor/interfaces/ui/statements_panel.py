"""The Profile tab's bank statements: upload exports, see the passive share, income by
stream and the proposed facts (the same figures as ``advisor statement`` and the API),
save them to the profile, and delete a statement with the facts saved from it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import gradio as gr

from advisor.core.errors import AdvisorError
from advisor.interfaces.ui import render
from advisor.interfaces.ui.common import error_text, markdown, user_of
from advisor.users.statements.report import stream_label

if TYPE_CHECKING:
    from advisor.answering.service import Advisor

STATEMENT_TYPES = [".csv", ".ofx", ".qfx", ".txt"]
Refresh = tuple[Callable[..., Any], Sequence[Any]]


def _money(value: float, currency: str) -> str:
    return f"{value:,.2f} {currency}"


def _block(block: dict[str, Any], first: bool) -> list[str]:
    cur = block["currency"]
    share = block["passive_share"]
    lines = [
        f"#### {cur}: {block['months_covered']} months ({block['first_date']} to "
        f"{block['last_date']}), {block['rows']} rows"
        + ("" if first else " — kept apart: amounts in two currencies are never added"),
        f"**Passive share of income: {'no income' if share is None else f'{share * 100:.1f}%'}**",
        "",
        "| Income stream | a month | how passive |",
        "| --- | ---: | --- |",
    ]
    for name, stream in block["income_per_month"].items():
        label = stream_label(stream)
        lines.append(f"| {name.replace('_', ' ')} | {_money(stream['per_month'], cur)} | {label} |")
    lines += [
        f"| **all income** | **{_money(block['income_per_month_total'], cur)}** | |",
        "",
        f"Money left over each month: {_money(block['monthly_surplus'], cur)} (money in minus "
        f"money out; {_money(block['own_transfers_left_out'], cur)} moved between your own "
        "accounts left out).",
    ]
    examples = block["income_per_month"].get("unclassified", {}).get("examples", [])
    if examples:
        shown = "; ".join(render.escape_markdown(e) for e in examples[:3])
        lines.append(f"\nNot classified yet, e.g. {shown}.")
    return lines


def figures_markdown(report: dict[str, Any] | None) -> str:
    """The figures of the stored statements and the facts they propose, as Markdown
    (payer text from the files escaped: it is data)."""
    if report is None:
        return "No statement imported yet: add your bank's CSV, OFX or QFX export above."
    names = ", ".join(render.escape_markdown(n) for n in report["files"])
    lines = [f"From {names}: {report['rows']} rows."]
    for i, block in enumerate(report["currencies"]):
        lines += ["", *_block(block, i == 0)]
    facts = report["proposed_facts"]
    cur = facts["currency"]
    sources = "; ".join(
        f"{render.escape_markdown(s['name'])} {_money(s['monthly_income'], cur)} a month"
        for s in facts["income_sources"]
    )
    lines += [
        "",
        "#### Proposed profile facts",
        f"- Money left over each month: {_money(facts['monthly_surplus'], cur)}",
        f"- Current income sources: {sources or 'none'}",
    ]
    if "capital" in facts:
        lines.append(
            f"- Savings you could invest: {_money(facts['capital'], cur)} (what the exported "
            "accounts hold at the end; change it on the form if part of it is not for investing)"
        )
    return "\n".join(lines)


class StatementsPanel:
    """Upload, figures, Save and Delete for the user's statements."""

    def __init__(self, advisor: Advisor) -> None:
        self.advisor = advisor

    def build(self) -> None:
        """The panel's components; call inside the Profile tab."""
        with gr.Accordion("Bank statements", open=True, elem_id="advisor-statements"):
            self.upload = gr.File(
                label="Import bank statements (CSV, OFX or QFX exports)",
                file_count="multiple",
                file_types=STATEMENT_TYPES,
                elem_id="advisor-statement-upload",
            )
            self.status = markdown(elem_id="advisor-statement-status")
            self.figures = markdown(figures_markdown(None), elem_id="advisor-statement-figures")
            self.save = gr.Button(
                "Save these facts to my profile",
                variant="primary",
                visible=False,
                elem_id="advisor-save-statement-facts",
            )
            with gr.Row():
                self.choice = gr.Dropdown(
                    label="Statement", choices=[], elem_id="advisor-statement-choice"
                )
                self.delete = gr.Button(
                    "Delete statement", variant="stop", elem_id="advisor-delete-statement"
                )
            with gr.Row(visible=False, elem_id="advisor-statement-confirm") as row:
                self.confirm_row = row
                self.confirm_text = markdown(elem_id="advisor-statement-delete-question")
                self.confirm = gr.Button(
                    "Yes, delete it", variant="stop", elem_id="advisor-statement-delete-yes"
                )
                self.cancel = gr.Button("Keep it", elem_id="advisor-statement-delete-no")

    def _view(self, user: str) -> tuple[str, dict[str, Any], dict[str, Any]]:
        from advisor.users.statements.saved import list_statements, stored_report

        report = stored_report(self.advisor.settings, user)
        names = [s["name"] for s in list_statements(self.advisor.settings, user)]
        return (
            figures_markdown(report),
            gr.update(visible=report is not None),
            gr.update(choices=names, value=None),
        )

    def show(self, request: gr.Request) -> tuple[str, dict[str, Any], dict[str, Any]]:
        try:
            return self._view(user_of(request))
        except AdvisorError as exc:
            return error_text(exc), gr.update(visible=False), gr.update()

    def import_files(self, files: Any, request: gr.Request) -> tuple[Any, ...]:
        """Import the uploaded exports (any bad one keeps nothing) and show the figures."""
        from advisor.interfaces.ui.documents_tab import uploaded_files
        from advisor.users.statements.uploads import import_uploads

        user = user_of(request)
        paths = []
        try:
            paths = uploaded_files(files)
            if not paths:
                return ("Choose one or more statement files.", *self._view(user), None)
            uploads = [(p.name, p.read_bytes()) for p in paths]
            report = import_uploads(self.advisor.settings, user, uploads)
            status = render.escape_markdown(
                f"Imported {', '.join(report['stored'])}. Check the figures, then save them "
                "to your profile if they look right."
            )
        except (AdvisorError, OSError) as exc:
            status = render.escape_markdown(f"⚠️ Not imported: {str(exc).splitlines()[0]}")
        finally:
            for path in paths:  # the statement is kept now; leave no copy in Gradio's cache
                path.unlink(missing_ok=True)
        return (status, *self._view(user), None)

    def save_facts(self, request: gr.Request) -> str:
        from advisor.users.statements.saved import save_stored_facts

        try:
            save_stored_facts(self.advisor.settings, user_of(request))
        except AdvisorError as exc:
            return render.escape_markdown(f"⚠️ Not saved: {exc}")
        return "Saved to your profile: the form above and your suggestions now use them."

    def ask_delete(self, name: Any, request: gr.Request) -> tuple[str, dict[str, Any]]:
        """The question asked before a statement is deleted (nothing is deleted here)."""
        from advisor.users.statements.saved import list_statements

        if not isinstance(name, str) or not name:
            return "Pick a statement to delete.", gr.update(visible=False)
        try:
            names = {s["name"] for s in list_statements(self.advisor.settings, user_of(request))}
        except AdvisorError as exc:
            return error_text(exc), gr.update(visible=False)
        if name not in names:
            return "That statement is not in your list any more.", gr.update(visible=False)
        question = (
            f"Delete {name}? The profile facts saved from it go with it, and this cannot be undone."
        )
        return render.escape_markdown(question), gr.update(visible=True)

    def delete_statement(self, name: Any, request: gr.Request) -> tuple[Any, ...]:
        from advisor.users.statements.saved import delete_statement

        user = user_of(request)
        if not isinstance(name, str) or not name:
            return ("Pick a statement to delete.", *self._view(user))
        try:
            removed = delete_statement(self.advisor.settings, user, name)
            facts = " and the facts saved from it" if removed else ""
            status = render.escape_markdown(f"Deleted {name}{facts}.")
        except AdvisorError as exc:
            status = error_text(exc)
        return (status, *self._view(user))

    def wire(self, demo: gr.Blocks, refresh: Sequence[Refresh]) -> None:
        """The panel's events; ``refresh`` (handler, outputs) runs after a save or a
        delete changes the profile (the form, the suggestions)."""
        hidden: dict[str, Any] = {"api_visibility": "undocumented"}
        view = [self.figures, self.save, self.choice]
        demo.load(self.show, None, view, **hidden)
        self.upload.upload(
            self.import_files, self.upload, [self.status, *view, self.upload], **hidden
        )
        saved = self.save.click(self.save_facts, None, self.status, **hidden)
        # deleting asks first: "Yes, delete it" deletes, "Keep it" closes the question
        self.delete.click(
            self.ask_delete, self.choice, [self.confirm_text, self.confirm_row], **hidden
        )
        hide = {"fn": lambda: gr.update(visible=False), "inputs": None, "outputs": self.confirm_row}
        deleted = self.confirm.click(
            self.delete_statement, self.choice, [self.status, *view], **hidden
        )
        deleted.then(**hide, **hidden)
        self.cancel.click(**hide, **hidden)
        for event in (saved, deleted):
            for fn, outputs in refresh:
                event.then(fn, None, list(outputs), **hidden)
