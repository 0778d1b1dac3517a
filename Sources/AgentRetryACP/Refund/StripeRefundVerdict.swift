import AgentRetry

/// What a refund call's result says, read by pure functions (no I/O): a refund Stripe created, a
/// definitive refusal, an unknown outcome, or an error of the task.
enum StripeRefundVerdict: Sendable, Equatable {
    /// Stripe created the refund: its id, its status, its amount and currency.
    case created(id: String, refundStatus: String, amount: Int?, currency: String?, failureReason: String?)
    /// Stripe refused to create it (a 4xx that is no idempotency conflict).
    case rejected(CheckoutRejection)
    /// The outcome is unknown; the reason in words.
    case pending(String)
    /// The task cannot use the answer, or the call failed: the error's code and message.
    case failure(StripeRefundError.Code, String)

    /// The verdict of an idempotent call that returned: `status` and the response, live or kept.
    static func read(_ status: IdempotentResult.Status, response: HTTPResponse?) -> StripeRefundVerdict {
        guard status != .pending, let response else {
            return .pending("the outcome of the refund is unknown after the retries; call again to resume it")
        }
        if (200..<300).contains(response.status) {
            guard let refund = try? JSONValue(parsing: response.body), let id = refund["id"]?.stringValue,
                let refundStatus = refund["status"]?.stringValue
            else { return .failure(.psp, "the PSP's \(response.status) answer to the refund is not a refund") }
            return .created(
                id: id,
                refundStatus: refundStatus,
                amount: refund["amount"]?.numberValue.map { Int($0) },
                currency: refund["currency"]?.stringValue,
                failureReason: refund["failure_reason"]?.stringValue
            )
        }
        if response.status == 401 || response.status == 403 {
            return .failure(.psp, "the refund was refused: the PSP did not accept the API key (\(response.status))")
        }
        // Only a 4xx says nothing was done; a kept 5xx (or anything else) leaves the outcome unknown.
        guard (400..<500).contains(response.status) else {
            return .pending("the PSP answered \(response.status); whether the refund was made is unknown")
        }
        let body = ErrorResponseBody(response)
        return .rejected(CheckoutRejection(step: "refund", status: response.status, body: body, apiVersion: nil))
    }

    /// The verdict of an idempotent call that threw: in flight at Stripe is pending; a body changed
    /// or a key Stripe says was used with another request is a conflict; the rest are errors.
    /// - Parameters:
    ///   - code: The call error's code.
    ///   - leaseLost: Whether the store said the lease was lost (another invocation took it over).
    ///   - message: The call error's message.
    static func read(_ code: IdempotentCallError.Code, leaseLost: Bool, message: String) -> StripeRefundVerdict {
        switch code {
        case .inFlightAtServer, .retryAfterBeyondLimit, .responseBodyTooLarge:
            .pending("the PSP is still processing the refund or asked to wait; call again later to resume it")
        case .bodyChanged:
            .failure(
                .conflict,
                "this task id was first used to refund another PaymentIntent or amount; a different refund needs "
                    + "another task id"
            )
        case .targetChanged, .credentialsChanged:
            .failure(.conflict, "this task id was first sent otherwise: \(message)")
        case .payloadMismatch: .failure(.conflict, message)
        case .invalidRequest: .failure(.invalidArgument, message)
        case .inProgressElsewhere: .failure(.inProgressElsewhere, message)
        case .store where leaseLost: .failure(.inProgressElsewhere, message)
        case .needsReconciliation: .failure(.needsReconciliation, message)
        default: .failure(.store, message)
        }
    }

    /// The task's status for Stripe's status of a created refund; a status newer than this code is
    /// `processing` (the refund exists; it is not known to be done).
    static func status(ofRefund refundStatus: String) -> StripeRefundOutcome.Status {
        switch refundStatus {
        case "succeeded": .succeeded
        case "failed", "canceled": .failed
        default: .processing
        }
    }
}
