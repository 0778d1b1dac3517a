#!/usr/bin/env bash
# A shell agent: re-invokes `agent-retry checkout` until the task reaches a terminal status, and
# acts on the exit code. Safe to kill and start again at any moment: the store keeps the task.
#
#   Examples/scripts/retrying-agent.sh TASK_ID [CART_FILE]
#
# Environment: SERVER (the merchant's URL, default http://127.0.0.1:4242), AGENT_RETRY (the
# agent-retry executable, default: agent-retry on PATH), AGENT_RETRY_API_KEY, STORE (the store file).
set -u

task_id="${1:?usage: retrying-agent.sh TASK_ID [CART_FILE]}"
cart="${2:-$(dirname "$0")/../carts/cart.json}"
server="${SERVER:-http://127.0.0.1:4242}"
agent_retry="${AGENT_RETRY:-agent-retry}"
store="${STORE:-${TMPDIR:-/tmp}/retrying-agent.sqlite}"
export AGENT_RETRY_API_KEY="${AGENT_RETRY_API_KEY:-sk_test_shell_agent}"

for attempt in 1 2 3 4 5 6; do
    output="$("$agent_retry" checkout --server "$server" --store "$store" --task-id "$task_id" --cart "$cart")"
    code=$?
    echo "attempt $attempt: exit $code: $output"
    case $code in
        0)  echo "paid: the order is in the output above"; exit 0 ;;
        10) echo "declined, canceled or expired: ask the buyer for another card"; exit 10 ;;
        11) echo "the merchant needs input from the buyer: see messages"; exit 11 ;;
        20|50|1)
            # pending (outcome unknown for now), another invocation holds the task, or a
            # transient error: the same command resumes the same task with the same keys.
            sleep "$attempt" ;;
        30|40)
            # conflict or needs reconciliation: retrying cannot help; a human or a lookup must.
            echo "escalating to a human"; exit "$code" ;;
        *)  echo "usage error"; exit "$code" ;;
    esac
done
echo "still not settled after 6 attempts: leaving it for the next run"
exit 20
