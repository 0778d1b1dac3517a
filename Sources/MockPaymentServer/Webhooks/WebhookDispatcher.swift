import AgentRetry
import Synchronization

/// Sends the mock's events to the registered webhook endpoints, each delivery in its own task,
/// never inside the request that caused the event.
final class WebhookDispatcher: Sendable {
    struct State {
        var endpoints: [WebhookEndpoint] = []
        var endpointCounter = 0
        var tasks: [Int: Task<Void, Never>] = [:]
        var taskCounter = 0
    }

    /// A delivery to start: the event, the endpoint, and how long to wait before the first attempt.
    struct Launch {
        let endpointID: String
        let event: WebhookEvent
        let after: Duration
    }

    let state = Mutex(State())
    let clock: any MockClock
    let defaultSeed: UInt64
    /// How long the `reorder` fault's window waits for more events.
    static let windowTime = Duration.milliseconds(200)

    init(clock: any MockClock, seed: UInt64) {
        self.clock = clock
        self.defaultSeed = seed
    }

    /// Registers an endpoint and returns it as JSON.
    func register(_ registration: WebhookRegistration) -> JSONValue {
        self.state.withLock { state in
            state.endpointCounter += 1
            let endpoint = WebhookEndpoint(
                id: "we_\(state.endpointCounter)",
                registration: registration,
                defaultSeed: self.defaultSeed
            )
            state.endpoints.append(endpoint)
            return endpoint.json(withDeliveries: false)
        }
    }

    /// Every endpoint with its delivery log.
    var json: JSONValue {
        let endpoints = self.state.withLock { $0.endpoints }
        return ["endpoints": .array(endpoints.map { $0.json(withDeliveries: true) })]
    }

    /// Removes every endpoint and stops every delivery; ids start again at `we_1`.
    func removeAll() {
        let tasks = self.state.withLock { state in
            defer { state = State() }
            return Array(state.tasks.values)
        }
        for task in tasks { task.cancel() }
    }

    /// Sends each event to every endpoint registered now.
    func send(_ events: [WebhookEvent]) {
        guard !events.isEmpty else { return }
        var timers: [String] = []
        let launches = self.state.withLock { state in
            var launches: [Launch] = []
            for index in state.endpoints.indices {
                let id = state.endpoints[index].id
                for event in events {
                    state.endpoints[index].deliveries.append(WebhookDelivery(eventID: event.id, type: event.type))
                    guard state.endpoints[index].registration.faults.reorder else {
                        launches.append(Launch(endpointID: id, event: event, after: .zero))
                        continue
                    }
                    state.endpoints[index].window.append(event)
                    if state.endpoints[index].window.count >= state.endpoints[index].registration.faults.reorderWindow {
                        launches += Self.flush(&state.endpoints[index])
                    } else if !state.endpoints[index].windowTimerRunning {
                        state.endpoints[index].windowTimerRunning = true
                        timers.append(id)
                    }
                }
            }
            return launches
        }
        self.start(launches)
        for id in timers {
            self.spawn {
                try? await Task.sleep(for: Self.windowTime)
                let launches = self.state.withLock { state in
                    guard let index = state.endpoints.firstIndex(where: { $0.id == id }) else { return [Launch]() }
                    state.endpoints[index].windowTimerRunning = false
                    return Self.flush(&state.endpoints[index])
                }
                self.start(launches)
            }
        }
    }

    /// The window's events, shuffled, each started 20 ms after the one before so they arrive in
    /// the shuffled order.
    private static func flush(_ endpoint: inout WebhookEndpoint) -> [Launch] {
        var events = endpoint.window
        endpoint.window = []
        events.shuffle(using: &endpoint.generator)
        return events.enumerated().map { index, event in
            Launch(endpointID: endpoint.id, event: event, after: .milliseconds(20 * index))
        }
    }

    private func start(_ launches: [Launch]) {
        for launch in launches {
            self.spawn { await self.deliver(launch.event, to: launch.endpointID, after: launch.after) }
        }
    }

    /// Runs `body` in a task that ``removeAll()`` cancels.
    func spawn(_ body: @escaping @Sendable () async -> Void) {
        self.state.withLock { state in
            state.taskCounter += 1
            let number = state.taskCounter
            state.tasks[number] = Task {
                await body()
                _ = self.state.withLock { $0.tasks.removeValue(forKey: number) }
            }
        }
    }
}
