import AgentRetry
import Foundation

/// Drives one agent task's checkout to an outcome, exactly once, across crashes and re-invocations.
///
/// The create call's key comes from the task's intent (its task id, per generation); the create
/// body carries a digest of the canonical cart, so the same task id with another cart is a
/// conflict, never a second purchase. The `checkout_session_id` it returns (a PaymentIntent id on
/// Stripe) is committed as the task's **anchor** with the create outcome, before anything else
/// happens; every later
/// call derives its key from the anchor, the step and the canonical body. A re-invoked task finds
/// its anchor in the store, retrieves the session (a safe GET) and continues from where the session
/// is; a completed task answers from the store with no request at all. Only a canceled or expired
/// session starts a new generation (a new create key); nothing else does.
public struct CheckoutTask: Sendable {
    /// Where the task buys. Printing it never shows the API key.
    public enum Merchant: Sendable, CustomStringConvertible, CustomReflectable {
        /// An ACP merchant, in any released version: create → update → complete on checkout sessions.
        case acp(ACPClient.Configuration)
        /// An ACP merchant over ACP's MCP binding (2026-04-17): the same checkout as ``acp(_:)``, each
        /// operation a tool call sent as JSON-RPC over Streamable HTTP to `baseURL`, the merchant's
        /// MCP endpoint (such as `https://merchant.example/mcp`). See ``ACPMCPBinding``.
        case acpMCP(ACPClient.Configuration)
        /// A Stripe-compatible PSP: create and confirm a PaymentIntent with `metadata[task_id]`.
        case stripe(baseURL: String, apiKey: String)

        /// The base URL of the merchant or PSP, without a trailing slash.
        public var baseURL: String {
            switch self {
            case .acp(let configuration), .acpMCP(let configuration): configuration.baseURL
            case .stripe(let baseURL, _): ACPClient.Configuration.trimmingSlash(baseURL)
            }
        }

        /// The API key; never printed.
        var apiKey: String {
            switch self {
            case .acp(let configuration), .acpMCP(let configuration): configuration.apiKey
            case .stripe(_, let apiKey): apiKey
            }
        }

        /// The protocol and the URL, without the API key.
        public var description: String {
            switch self {
            case .acp(let configuration): "acp(\(configuration.baseURL))"
            case .acpMCP(let configuration): "acp-mcp(\(configuration.baseURL))"
            case .stripe(let baseURL, _): "stripe(\(baseURL))"
            }
        }

        /// What `dump` and debuggers show: no API key.
        public var customMirror: Mirror { Mirror(self, children: ["merchant": self.description]) }
    }

    /// Settings of checkout tasks.
    public struct Configuration: Sendable {
        /// The namespace of the tasks' intents (a tenant or an agent). Defaults to `default`.
        public var namespace: String
        /// How many sessions one task may open, counting the first: each canceled or expired
        /// session costs one. At least 1. Defaults to 3.
        public var maximumGenerations: Int { didSet { self.maximumGenerations = max(1, self.maximumGenerations) } }
        /// How long to poll a session whose complete call is still in flight (409, or an unknown
        /// outcome) before answering `pending`. Defaults to 30 s.
        public var settleDeadline: Duration
        /// The first wait between polls, doubled up to 2 s. At least 10 ms. Defaults to 200 ms.
        public var pollInterval: Duration { didSet { self.pollInterval = max(.milliseconds(10), self.pollInterval) } }
        /// The ACP payment handler to pay through. Defaults to `nil`: the first the merchant offers.
        public var paymentHandlerID: String?
        /// The ACP version to speak, for merchants that say nothing useful about theirs. Defaults to
        /// `nil`: negotiated (the version kept from an earlier task, the merchant's
        /// `/.well-known/acp.json`, else the newest, falling back on the merchant's refusals). One
        /// that is not a `YYYY-MM-DD` date makes ``CheckoutTask/run(taskID:cart:paymentToken:)``
        /// throw ``CheckoutTaskError/Code/invalidConfiguration`` before anything is sent.
        public var acpVersion: ACPVersion?
        /// Called at each step, for progress reports and crash tests. Defaults to nothing.
        public var onEvent: (@Sendable (CheckoutEvent) async -> Void)?

        /// Creates settings with the documented defaults.
        public init(
            namespace: String = "default",
            maximumGenerations: Int = 3,
            settleDeadline: Duration = .seconds(30),
            pollInterval: Duration = .milliseconds(200),
            paymentHandlerID: String? = nil,
            acpVersion: ACPVersion? = nil
        ) {
            self.acpVersion = acpVersion
            self.namespace = namespace
            self.maximumGenerations = max(1, maximumGenerations)
            self.settleDeadline = settleDeadline
            self.pollInterval = max(.milliseconds(10), pollInterval)
            self.paymentHandlerID = paymentHandlerID
        }
    }

    /// The idempotent client every POST goes through.
    public let client: IdempotentClient
    /// Where the task buys.
    public let merchant: Merchant
    /// The settings.
    public let configuration: Configuration

    /// Creates a checkout task runner.
    public init(client: IdempotentClient, merchant: Merchant, configuration: Configuration = Configuration()) {
        self.client = client
        self.merchant = merchant
        self.configuration = configuration
    }

    /// Runs (or resumes) task `taskID`: buys `cart`, paying with `paymentToken` (an ACP credential
    /// token such as a Shared Payment Token, or a Stripe PaymentMethod id).
    /// - Returns: completed, declined, needs input, rejected, unsupported version, canceled, expired
    ///   or pending.
    /// - Throws: ``CheckoutTaskError`` for an unusable cart, conflicts, leases held elsewhere,
    ///   reconciliation, store failures and malformed merchant answers.
    public func run(
        taskID: String,
        cart: CheckoutCart,
        paymentToken: String
    ) async throws(CheckoutTaskError) -> CheckoutOutcome {
        do {
            try cart.validate()
        } catch {
            throw CheckoutTaskError(code: .invalidCart, message: "\(error)", underlying: error)
        }
        guard !taskID.isEmpty, !paymentToken.isEmpty else {
            throw CheckoutTaskError(code: .invalidCart, message: "a task id and a payment token are required")
        }
        if let version = self.configuration.acpVersion, ACPVersion(validating: version.rawValue) == nil {
            throw CheckoutTaskError(
                code: .invalidConfiguration,
                message: "acpVersion must be a YYYY-MM-DD date such as \(ACPVersion.latest)"
            )
        }
        do {
            try RequestTarget.validate(self.merchant.baseURL)
        } catch {
            throw CheckoutTaskError(
                code: .invalidConfiguration,
                message: "the merchant's base URL is not usable: \(error)"
            )
        }
        if self.merchant.apiKey.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }) {
            throw CheckoutTaskError(code: .invalidConfiguration, message: "the API key contains CR, LF or NUL")
        }
        let run = CheckoutRun(taskID: taskID, cart: cart, token: paymentToken)
        switch self.merchant {
        case .acp(let configuration):
            return try await CheckoutFlow(backend: self.acpBackend(configuration), task: self).run(run)
        case .acpMCP(let configuration):
            return try await CheckoutFlow(backend: self.acpBackend(configuration, overMCP: true), task: self).run(run)
        case .stripe(_, let apiKey):
            guard cart.amount != nil else {
                throw CheckoutTaskError(
                    code: .invalidCart,
                    message: "the Stripe path needs unit_amount on every line (a PSP has no catalog)"
                )
            }
            let stripe = StripeCheckout(client: self.client, baseURL: self.merchant.baseURL, apiKey: apiKey)
            return try await CheckoutFlow(backend: StripeBackend(task: self, stripe: stripe), task: self).run(run)
        }
    }

    /// The ACP backend of `configuration`: over REST, or over ACP's MCP binding to the endpoint
    /// `configuration.baseURL`, the same keys and decisions over another wire.
    func acpBackend(_ configuration: ACPClient.Configuration, overMCP: Bool = false) -> ACPBackend {
        var client = self.client
        if overMCP {
            let binding = ACPMCPBinding(
                transport: self.client.transport,
                configuration: .init(endpoint: configuration.baseURL)
            )
            client = IdempotentClient(sibling: self.client, transport: binding)
        }
        let acp = ACPClient(client: client, configuration: configuration)
        return ACPBackend(task: self, acp: acp, override: self.configuration.acpVersion)
    }

    /// The intent's stored record, if any; no request is sent.
    func storedRecord(
        _ intent: IdempotencyIntent,
        profile: PSPProfile,
        log: CheckoutLog
    ) async throws(CheckoutTaskError) -> IdempotencyRecord? {
        do {
            return try await self.client.storedRecord(for: intent, profile: profile)
        } catch {
            throw log.error(.store, "\(error)", underlying: error)
        }
    }

    /// The schedule of reads while a step's outcome settles: the configured interval, doubled up to
    /// 2 s, until the settle deadline.
    func pollSchedule() -> PollSchedule {
        let deadline = self.client.environment.now().addingTimeInterval(self.configuration.settleDeadline.seconds)
        return PollSchedule(interval: self.configuration.pollInterval, deadline: deadline)
    }

    /// Waits before the next read, or returns `false` when the deadline would pass first.
    func waitBeforePoll(_ schedule: inout PollSchedule) async -> Bool {
        let environment = self.client.environment
        guard let delay = schedule.delayBeforeNextRead(now: environment.now()) else { return false }
        do {
            try await environment.sleep(for: delay)
        } catch {
            return false
        }
        return true
    }

    func emit(_ event: CheckoutEvent) async {
        await self.configuration.onEvent?(event)
    }
}
