import AgentRetry
import AgentRetryACP
import MCP

extension MCPCheckoutService {
    /// `checkout_status`: what the store holds of the task, and the last outcome this server
    /// returned for it; nothing is sent.
    func status(_ arguments: MCPToolArguments) async throws(MCPToolError) -> CallTool.Result {
        let taskID = try arguments.taskID()
        let cart = try arguments.cart(required: false)
        let token = try arguments.optionalString("payment_token") ?? cart?.paymentToken
        let task = CheckoutTask(
            client: self.client,
            merchant: self.settings.merchant,
            configuration: self.settings.configuration
        )
        let status: CheckoutStoredStatus
        do {
            status = try await task.storedStatus(taskID: taskID, cart: cart, paymentToken: token)
        } catch {
            let report = CheckoutReport(error: error, taskID: taskID)
            return MCPToolResult.make(report.json, isError: true)
        }
        let note = try? await self.client.latestNote(self.noteIntent(taskID))
        let last = note.flatMap { try? JSONValue(parsing: Array($0.utf8)) } ?? .null
        let json: JSONValue = [
            "task_id": .string(taskID),
            "state": .string(status.state.rawValue),
            "generation": .number(Double(status.generation)),
            "checkout_session_id": status.checkoutSessionID.map(JSONValue.string) ?? .null,
            "payment_intent_id": status.paymentIntentID.map(JSONValue.string) ?? .null,
            "order_id": status.orderID.map(JSONValue.string) ?? .null,
            "api_version": status.apiVersion.map { .string($0.rawValue) } ?? .null,
            "idempotency_keys": .array(status.idempotencyKeys.map { .string($0.rawValue) }),
            "attempts": .number(Double(status.attempts)),
            "last_outcome": last,
        ]
        return MCPToolResult.make(json, isError: false)
    }
}
