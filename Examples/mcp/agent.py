#!/usr/bin/env python3
"""A minimal agent that buys a cart through `agent-retry mcp`, using the official MCP Python SDK.

The agent spawns the server over stdio as any MCP host does, lists its tools, calls `checkout`
for one task id, and then calls it again with the SAME task id, as an agent would after a timeout
or a re-planned turn: the second call returns the same order, with nothing bought twice.

    pip install mcp
    AGENT_RETRY_API_KEY=sk_test_x python3 Examples/mcp/agent.py \
        --agent-retry .build/debug/agent-retry --server http://127.0.0.1:4242 --store agent.sqlite

It prints one JSON object: the two results and whether they name the same order; exit 0 when the
checkout completed and the retry returned the same order.
"""

import argparse
import asyncio
import json
import os
import sys

from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

HERE = os.path.dirname(os.path.abspath(__file__))


def field(result, snake: str, camel: str):
    """A CallToolResult field: snake_case in the SDK's 2.x releases, camelCase in 1.x."""
    return getattr(result, snake, None) if hasattr(result, snake) else getattr(result, camel, None)


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agent-retry", default="agent-retry", help="the agent-retry executable")
    parser.add_argument("--server", required=True, help="the merchant's base URL")
    parser.add_argument("--store", required=True, help="the store (SQLite file or postgres:// URL)")
    parser.add_argument("--task-id", default="agent-py-task-1", help="the task's id, chosen once")
    parser.add_argument("--cart", default=os.path.join(HERE, "..", "carts", "cart.json"))
    args = parser.parse_args()
    with open(args.cart, encoding="utf-8") as file:
        cart = json.load(file)

    server = StdioServerParameters(
        command=args.agent_retry,
        args=["mcp", "--server", args.server, "--store", args.store],
        # The key reaches the server through its environment only, never a tool argument.
        env={**os.environ, "AGENT_RETRY_API_KEY": os.environ.get("AGENT_RETRY_API_KEY", "")},
    )
    async with stdio_client(server) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            tools = [tool.name for tool in (await session.list_tools()).tools]
            if "checkout" not in tools:
                print(json.dumps({"error": "no checkout tool", "tools": tools}))
                return 1
            arguments = {"task_id": args.task_id, "cart": cart}
            first = await session.call_tool("checkout", arguments)
            # A retry: the same task id, never a new one.
            again = await session.call_tool("checkout", arguments)

    results = [field(call, "structured_content", "structuredContent") or {} for call in (first, again)]
    same = results[0].get("order_id") is not None and results[0].get("order_id") == results[1].get("order_id")
    print(json.dumps({"tools": tools, "first": results[0], "retry": results[1], "same_order": same}))
    completed = not field(first, "is_error", "isError") and results[0].get("status") == "completed"
    return 0 if completed and same else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
