"""The Gradio chat UI (``advisor serve``). ``advisor.ui.app.build_ui`` builds the Blocks;
``advisor.ui.render`` turns answers into chat messages that show text as text."""
