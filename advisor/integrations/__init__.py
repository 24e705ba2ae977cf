"""The advisor inside other frameworks' apps (LangChain). The MCP server is its own
interface, ``advisor.mcp_server``."""
