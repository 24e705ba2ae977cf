"""The Gradio chat UI (``advisor serve``). ``advisor.interfaces.ui.app.build_ui`` builds the Blocks
from one module per tab (``chat_tab``, ``profile_tab``, ``suggestions_tab``,
``documents_tab``) and wires their events; ``advisor.interfaces.ui.render`` turns answers into chat
messages that show text as text."""
