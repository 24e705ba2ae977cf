"""The ways in: CLI, HTTP API, Gradio UI, MCP server, LangChain."""
