import AgentRetry
import Synchronization

extension MockPaymentCore {
    /// `GET /__admin/webhooks` lists the endpoints and their delivery logs, `POST` registers one,
    /// `DELETE` removes them all.
    func adminWebhooks(_ request: MockRequest) -> MockResponse {
        let family = RouteFamily.admin
        switch request.method {
        case "POST":
            let json: JSONValue
            do {
                json = try JSONValue(parsing: request.body)
            } catch {
                return family.error(400, code: "invalid_json", message: "\(error)", param: "$")
            }
            do {
                return .json(200, self.webhooks.register(try WebhookRegistration(json: json)))
            } catch {
                return family.error(400, code: "invalid_webhook", message: error.message, param: error.param)
            }
        case "DELETE":
            self.webhooks.removeAll()
            return .json(200, ["endpoints": []])
        default:
            return .json(200, self.webhooks.json)
        }
    }

    /// The order id of `/__admin/orders/{order_id}/status`, or `nil` for any other path.
    static func orderID(inStatusPath request: MockRequest) -> String? {
        let segments = request.segments
        guard segments.count == 4, segments[0] == "__admin", segments[1] == "orders", segments[3] == "status" else {
            return nil
        }
        return String(segments[2])
    }

    /// `POST /__admin/orders/{order_id}/status` with `{"status": ...}`: changes an ACP order's
    /// status, answers the order, and sends `order_update`.
    func adminOrderStatus(_ orderID: String, _ request: MockRequest) -> MockResponse {
        let family = RouteFamily.admin
        guard let json = try? JSONValue(parsing: request.body), let object = json.objectValue else {
            return family.error(400, code: "invalid_json", message: "The body must be a JSON object", param: "$")
        }
        if let unknown = object.keys.sorted().first(where: { $0 != "status" }) {
            return family.error(
                400,
                code: "invalid_order_status",
                message: "Unknown member \(unknown)",
                param: "$.\(unknown)"
            )
        }
        guard let status = object["status"]?.stringValue, Self.orderStatuses.contains(status) else {
            let known = Self.orderStatuses.sorted().joined(separator: ", ")
            return family.error(
                400,
                code: "invalid_order_status",
                message: "status must be one of \(known)",
                param: "$.status"
            )
        }
        let (order, events) = self.state.withLock { state -> (JSONValue?, [WebhookEvent]) in
            guard var session = state.sessions.values.first(where: { $0.orderID == orderID }) else {
                return (nil, [])
            }
            session.orderStatus = status
            state.sessions[session.id] = session
            let order = self.orderJSON(session)
            state.webhookOutbox.addACP(type: "order_update", data: order)
            return (order, state.webhookOutbox.take())
        }
        guard let order else { return family.error(404, code: "not_found", message: "No order \(orderID)") }
        self.webhooks.send(events)
        return .json(200, order)
    }
}
