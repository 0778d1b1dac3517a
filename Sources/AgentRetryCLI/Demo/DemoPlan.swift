import AgentRetry
import AgentRetryACP
import Foundation
import MockPaymentServer

/// Everything the three runs share, fixed by the seed: the task list (carts, credentials), the
/// kill schedule, and the fault mix the mock server draws from.
struct DemoPlan: Sendable {
    /// One agent task and the fate of each of its invocations.
    struct DemoTask: Sendable {
        let id: String
        let cart: CheckoutCart
        let token: String
        /// For invocation `i`, the step at which it is SIGKILLed (`nil`: let it run; always for the last).
        let killAt: [String?]
    }

    /// A fault action and its share of the faults.
    static let faultMix: [(action: FaultRule.Action, weight: Double)] = [
        (.dropAfterCommit, 0.35),  // timeout-but-success: committed, response lost
        (.stallAfterCommit(milliseconds: 1500), 0.10),  // timeout-but-success the slow way
        (.resetBeforeCommit, 0.10),
        (.statusBefore(status: 503, retryAfter: nil), 0.10),
        (.statusAfterCommit(status: 500), 0.10),
        (.latency(milliseconds: 150), 0.10),
        (.truncateBody, 0.075),
        (.garbage, 0.075),
    ]

    /// Where a kill can land in an ACP child: before or after each request, after the anchor.
    static let acpKillPoints = [
        "after-persist:create", "after-response:create", "anchored", "after-persist:update", "after-response:update",
        "after-persist:complete", "after-response:complete",
    ]
    /// Where a kill can land in a Stripe child.
    static let stripeKillPoints = [
        "after-persist:create", "after-response:create", "anchored", "after-persist:confirm", "after-response:confirm",
    ]

    /// Items the tasks' carts are made of: the mock merchant's catalog (ids and unit amounts).
    static let catalog: [(id: String, unitAmount: Int)] = [
        ("item_tshirt", 2500), ("item_mug", 1500), ("item_sticker", 300), ("item_ebook", 1200),
    ]

    let tasks: [DemoTask]
    let faults: [FaultRule]
    let seed: UInt64

    init(tasks count: Int, seed: UInt64, faultRate: Double, killRate: Double, maximumResubmissions: Int, stripe: Bool) {
        self.seed = seed
        var generator = SeededGenerator(seed: seed)
        func unit() -> Double { Double(generator.next() >> 11) / Double(1 << 53) }
        let address: JSONValue = [
            "name": "Ada Lovelace", "line_one": "12 Analytical Row", "city": "San Francisco", "state": "CA",
            "country": "US", "postal_code": "94131",
        ]
        self.tasks = (0..<count).map { index in
            var lines: [CheckoutCart.Line] = []
            for item in Self.catalog where unit() < 0.5 || (lines.isEmpty && item.id == Self.catalog.last?.id) {
                lines.append(.init(id: item.id, quantity: 1 + Int(unit() * 3), unitAmount: item.unitAmount))
            }
            let express = unit() < 0.5 && lines.contains { $0.id != "item_ebook" }
            var cart = CheckoutCart(currency: "usd", lines: lines, fulfillmentOptionID: express ? "ship_express" : nil)
            cart.members["fulfillment_details"] = ["name": "Ada Lovelace", "address": address]
            cart.members["buyer"] = ["email": "ada@example.com", "first_name": "Ada"]
            let declines = unit() < 0.1
            let token =
                stripe
                ? (declines ? "pm_card_chargeDeclined" : "pm_card_visa")
                : (declines ? "spt_test_declined" : "spt_test_success")
            // A kill lands at a step of the child's work, chosen at random: what an orchestrator's
            // SIGKILL meets when it comes while the agent talks to the merchant. The last
            // invocation a task may get is never killed, so every task gets to say how it ended.
            let points = stripe ? Self.stripeKillPoints : Self.acpKillPoints
            let kills: [String?] = (0...maximumResubmissions).map { invocation in
                let kill = unit() < killRate
                let point = points[min(points.count - 1, Int(unit() * Double(points.count)))]
                return kill && invocation < maximumResubmissions ? point : nil
            }
            return DemoTask(id: String(format: "task-%04d", index + 1), cart: cart, token: token, killAt: kills)
        }
        // Rules are tried in order, so each one's probability is its share of what the earlier
        // ones left: together they fault `faultRate` of all requests, in the mix's proportions.
        var left = 1.0
        self.faults = Self.faultMix.map { entry in
            let probability = min(1, faultRate * entry.weight / left)
            left -= faultRate * entry.weight
            return FaultRule(action: entry.action, probability: probability)
        }
    }
}
