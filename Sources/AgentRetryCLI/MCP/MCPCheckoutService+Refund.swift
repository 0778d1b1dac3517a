import AgentRetry
import AgentRetryACP
import MCP

extension MCPCheckoutService {
    /// `refund`: one refund of a PaymentIntent at the pay server, exactly once per task id, through
    /// ``StripeRefund``. The spending limits do not apply: a refund pays nothing out.
    func refund(_ arguments: MCPToolArguments, _ token: ProgressToken?) async throws -> CallTool.Result {
        let call = try MCPRefundCall(arguments)
        let key = call.key
        if self.runs[key] == nil {
            self.runs[key] = Run(task: Task { await self.performRefund(call, key: key) })
        }
        return try await self.join(key, tool: MCPToolCatalog.refund, taskID: call.taskID, token)
    }

    private func performRefund(_ call: MCPRefundCall, key: String) async -> CheckoutReport {
        defer { self.runs[key] = nil }
        guard case .stripe(let baseURL, let apiKey) = self.settings.paymentMerchant else {
            return CheckoutReport(usage: "the refund tool needs a Stripe-compatible pay server", taskID: call.taskID)
        }
        var configuration = StripeRefund.Configuration(namespace: self.settings.configuration.namespace)
        let hook = self.settings.configuration.onEvent
        configuration.onEvent = { event in
            await hook?(event)
            await self.progress(key, event)
        }
        let refund = StripeRefund(client: self.client, baseURL: baseURL, apiKey: apiKey, configuration: configuration)
        let report: CheckoutReport
        do {
            let outcome = try await refund.run(
                taskID: call.taskID,
                paymentIntent: call.paymentIntent,
                amount: call.amount
            )
            report = CheckoutReport(refund: outcome)
        } catch {
            report = CheckoutReport(refundError: error, call: call)
        }
        MCPLog.write("refund task \(call.taskID): \(report.json["status"]?.stringValue ?? "error")")
        return report
    }
}
