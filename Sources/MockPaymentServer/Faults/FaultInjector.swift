import AgentRetry
import Synchronization

/// Holds the fault rules and decides, per request, which one applies.
///
/// Rules are tried in the order they were added; the first that matches, has count left and wins
/// its probability draw applies. Every draw comes from one generator seeded at start-up, so the
/// same seed and the same request sequence give the same decisions.
final class FaultInjector: Sendable {
    private struct State {
        var rules: [FaultRule]
        var generator: SeededGenerator
    }

    private let state: Mutex<State>
    private let seed: UInt64

    init(rules: [FaultRule], seed: UInt64) {
        self.seed = seed
        self.state = Mutex(State(rules: rules, generator: SeededGenerator(seed: seed)))
    }

    /// The rule that applies to this request, if any; its count is consumed.
    func decide(method: String, path: String) -> FaultRule? {
        self.state.withLock { state in
            for index in state.rules.indices {
                let rule = state.rules[index]
                guard rule.matches(method: method, path: path), rule.count ?? 1 > 0 else { continue }
                if rule.probability < 1 {
                    let draw = Double(state.generator.next() >> 11) / Double(1 << 53)
                    guard draw < rule.probability else { continue }
                }
                if let count = rule.count { state.rules[index].count = count - 1 }
                return rule
            }
            return nil
        }
    }

    func add(_ rules: [FaultRule]) {
        self.state.withLock { $0.rules.append(contentsOf: rules) }
    }

    func clear() {
        self.state.withLock { $0.rules.removeAll() }
    }

    /// Clears the rules and restarts the generator from the seed.
    func reset() {
        self.state.withLock { $0 = State(rules: [], generator: SeededGenerator(seed: self.seed)) }
    }

    var rules: [FaultRule] {
        self.state.withLock { $0.rules }
    }
}
