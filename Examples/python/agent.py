"""How an LLM tool-calling agent drives `agent-retry checkout`: standard library only.

The model calls one tool, `checkout`, with a task id it chose once for the purchase. The tool runs
the CLI and returns its JSON; `next_step` turns each status into what the agent does next, so the
model never improvises a retry (the CLI already retried, and a re-run resumes the same task).

    python3 Examples/python/agent.py --server http://127.0.0.1:4242 --task-id demo-1

Environment: AGENT_RETRY (the agent-retry executable, default: agent-retry on PATH),
AGENT_RETRY_API_KEY (the merchant API key).
"""

import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CART = os.path.join(HERE, "..", "carts", "cart.json")


def checkout(task_id, cart_path, server, store):
    """The tool the model calls. Same task id = same purchase: calling it again never pays twice."""
    command = [os.environ.get("AGENT_RETRY", "agent-retry"), "checkout", "--server", server,
               "--store", store, "--task-id", task_id, "--cart", cart_path]
    completed = subprocess.run(command, capture_output=True, text=True)
    try:
        result = json.loads(completed.stdout)
    except json.JSONDecodeError:
        result = {"status": "error", "message": completed.stderr.strip()}
    result["exit_code"] = completed.returncode
    return result


def next_step(result):
    """What the agent does with each status (see Documentation/CLI.md)."""
    status = result.get("status")
    if status == "completed":
        return "done", "Order %s is placed." % result.get("order_id")
    if status == "declined":
        return "ask_user", "The card was declined. Ask the buyer for another payment method."
    if status == "needs_input":
        messages = "; ".join(m.get("content", "") for m in result.get("messages", []))
        return "ask_user", "The merchant needs: %s" % (messages or result.get("reason"))
    if status in ("pending", "in_progress_elsewhere", "error"):
        return "retry_later", "Not settled yet (%s); call checkout again with the same task id." % status
    if status in ("canceled", "expired"):
        return "ask_user", "The checkout was %s; ask whether to start a new purchase." % status
    return "escalate", "Needs a human: %s (%s)" % (status, result.get("message") or result.get("reason"))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", default="http://127.0.0.1:4242")
    parser.add_argument("--task-id", default="python-agent-1")
    parser.add_argument("--cart", default=DEFAULT_CART)
    parser.add_argument("--store", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "python-agent.sqlite"))
    arguments = parser.parse_args()
    os.environ.setdefault("AGENT_RETRY_API_KEY", "sk_test_python_agent")

    for turn in range(1, 6):
        result = checkout(arguments.task_id, arguments.cart, arguments.server, arguments.store)
        action, say = next_step(result)
        print("turn %d: %s -> %s: %s" % (turn, result.get("status"), action, say))
        if action != "retry_later":
            return 0 if action == "done" else 1
        time.sleep(turn)
    return 1


if __name__ == "__main__":
    sys.exit(main())
