import AgentRetry
import Synchronization

extension MockPaymentCore {
    /// `/__admin`: fault rules, the request journal, the ledger, the merchant, webhooks, order
    /// statuses and reset; each request with the admin token when one is configured, each write
    /// as JSON.
    func admin(_ request: MockRequest) -> MockResponse {
        if let refusal = self.requestGuard.adminRefusal(request) { return refusal }
        let family = RouteFamily.admin
        switch (request.method, request.path) {
        case ("GET", "/__admin/faults"):
            return .json(200, ["rules": .array(self.faults.rules.map(\.json))])
        case ("POST", "/__admin/faults"):
            do {
                let rules = try FaultRule.rules(json: try JSONValue(parsing: request.body))
                self.faults.add(rules)
                return .json(200, ["rules": .array(self.faults.rules.map(\.json))])
            } catch let error as FaultRule.FormatError {
                return family.error(400, code: "invalid_rule", message: error.description)
            } catch {
                return family.error(400, code: "invalid_json", message: "\(error)", param: "$")
            }
        case ("DELETE", "/__admin/faults"):
            self.faults.clear()
            return .json(200, ["rules": []])
        case ("GET", "/__admin/requests"):
            let journal = self.state.withLock { $0.journal }
            return .json(200, ["requests": .array(journal.map(\.json))])
        case ("GET", "/__admin/ledger"):
            return .json(200, self.ledgerJSON())
        case ("GET", "/__admin/merchant"), ("POST", "/__admin/merchant"):
            return self.adminMerchant(request)
        case ("GET", "/__admin/webhooks"), ("POST", "/__admin/webhooks"), ("DELETE", "/__admin/webhooks"):
            return self.adminWebhooks(request)
        case ("POST", _) where Self.orderID(inStatusPath: request) != nil:
            return self.adminOrderStatus(Self.orderID(inStatusPath: request) ?? "", request)
        case ("POST", "/__admin/reset"):
            self.reset()
            return .json(200, ["reset": true])
        default:
            return family.error(404, code: "not_found", message: "No admin route \(request.method) \(request.path)")
        }
    }

    func ledgerJSON() -> JSONValue {
        let entries = self.state.withLock { $0.ledger }
        let duplicates = duplicateChargeCounts(in: entries).map {
            JSONValue.object(["task_id": .string($0.taskID), "count": .number(Double($0.count))])
        }
        return ["entries": .array(entries.map(\.json)), "duplicates": .array(duplicates)]
    }

    /// Clears state, rules, journal and ledger, and restarts the fault generator from its seed.
    func reset() {
        self.state.withLock { $0 = MockState() }
        self.faults.reset()
        self.webhooks.removeAll()
    }

    func record(_ entry: JournalEntry) {
        self.state.withLock { $0.journal.append(entry) }
    }
}
