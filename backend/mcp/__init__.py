"""MCP: one tool registry served over the REST surface (/mcp/v1) and the Model Context Protocol (/mcp)."""
