/// Which ACP version a task's create is sent in next: a pure state machine, no I/O.
///
/// It starts from the best knowledge there is (an override, the merchant's version kept by an
/// earlier task, the merchant's discovery document, else the newest version the client speaks)
/// and moves on from the merchant's answers: a version refusal (400 with `supported_versions`,
/// or `unsupported_api_version`) to the newest version both speak; a refusal of the request's
/// shape, or a repeated 5xx, while the version is unknown (or a kept version turns out stale), to
/// the next older version. Each version is tried once; with none left the task is
/// `unsupported_version`, unless every answer was a 5xx: a merchant that is down is no version
/// mismatch, and the last answer (pending) is the task's.
package struct ACPVersionNegotiator: Sendable {
    /// What is known before the first create.
    package enum Start: Sendable, Hashable {
        /// The caller chose the version: it is the only one tried.
        case override(ACPVersion)
        /// The version an earlier task settled on with this merchant.
        case stored(ACPVersion)
        /// A create of this task in this version whose outcome is unknown: it is resumed first, under
        /// its own key, whatever else is known, so that no second session is opened beside it.
        case resume(ACPVersion)
        /// The versions the merchant's discovery document lists.
        case discovered([ACPVersion])
        /// Nothing: the newest version the client speaks is tried first.
        case unknown
    }

    /// How the merchant answered a create.
    package enum Answer: Sendable, Hashable {
        /// A session, or a definitive answer that is not about the version: the task goes on with it.
        case final
        /// The version refused, with what the merchant speaks (possibly nothing).
        case versionRefused(supported: [ACPVersion])
        /// The request's shape refused as malformed (a validation error), with no effect.
        case shapeRefused
        /// A 5xx, twice under the same key (a fault after commit would have been replayed).
        case serverError
    }

    /// What to do next.
    package enum Decision: Sendable, Hashable {
        /// Send the create in `version`; `probing` when the version is a guess, so a 5xx is re-sent only
        /// once under the same key and then taken as the version's answer.
        case send(ACPVersion, probing: Bool)
        /// The last answer is the task's.
        case finish
        /// No version is left to try.
        case unsupported(ACPVersionMismatch)
    }

    /// The versions the client speaks, newest first.
    package let clientVersions: [ACPVersion]
    /// Where negotiation started.
    package let start: Start
    /// The versions the merchant said it speaks.
    package private(set) var merchantVersions: [ACPVersion] = []
    /// The versions tried and what each got, in order.
    package private(set) var attempts: [ACPVersionMismatch.Attempt] = []
    private var guessing: Bool
    private var serverErrors: Set<ACPVersion> = []

    /// Starts a negotiation.
    package init(clientVersions: [ACPVersion] = ACPVersion.released, start: Start) {
        self.clientVersions = clientVersions.sorted(by: >)
        self.start = start
        self.guessing = start == .unknown
        if case .discovered(let versions) = start { self.merchantVersions = versions }
    }

    /// The first version to send.
    package mutating func first() -> Decision {
        switch self.start {
        // A kept note is probed (a merchant may have stopped speaking it); an unknown outcome is resumed
        // with every retry, since its create may have taken effect.
        case .stored(let version): return .send(version, probing: true)
        case .override(let version), .resume(let version): return .send(version, probing: false)
        case .discovered: return self.newestCommon(probing: false)
        case .unknown: return self.nextOlder()
        }
    }

    /// The next step after `version` got `answer`, described as `said` (such as `400 unsupported_api_version`).
    package mutating func received(_ answer: Answer, for version: ACPVersion, said: String) -> Decision {
        if answer == .final { return .finish }
        self.attempts.append(.init(version: version, answer: said))
        if answer == .serverError { self.serverErrors.insert(version) }
        if case .override = self.start {
            if case .versionRefused(let supported) = answer { self.merchantVersions = supported }
            return answer == .serverError ? .finish : .unsupported(self.mismatch)
        }
        switch answer {
        case .versionRefused(let supported) where !supported.isEmpty:
            self.merchantVersions = supported
            return self.newestCommon(probing: false)
        case .versionRefused:
            self.guessing = true
            return self.nextOlder()
        case .shapeRefused where self.guessing || self.isKnownStart,
            .serverError where self.guessing || self.isKnownStart:
            // Guessing, or a kept version the merchant no longer takes: the next version, newest
            // first; once the merchant has said what it speaks, only those are worth a try.
            self.guessing = true
            return self.merchantVersions.isEmpty ? self.nextOlder() : self.newestCommon(probing: true)
        default:
            return .finish
        }
    }

    /// What each side speaks and what each version got.
    package var mismatch: ACPVersionMismatch {
        ACPVersionMismatch(
            clientVersions: self.clientVersions,
            merchantVersions: self.merchantVersions,
            attempts: self.attempts
        )
    }

    private func tried(_ version: ACPVersion) -> Bool { self.attempts.contains { $0.version == version } }

    /// Whether negotiation started from a version kept in the store (a note, or a create to resume).
    private var isKnownStart: Bool {
        switch self.start {
        case .stored, .resume: true
        default: false
        }
    }

    /// No version left: a mismatch, unless every answer was a 5xx (then the last answer stands).
    private var exhausted: Decision {
        let allServerErrors =
            !self.attempts.isEmpty && self.attempts.allSatisfy { self.serverErrors.contains($0.version) }
        return allServerErrors ? .finish : .unsupported(self.mismatch)
    }

    /// The newest version both speak that was not refused: untried, or probed for a 5xx only
    /// (then resumed under its own key, now that the merchant says it speaks it).
    private func newestCommon(probing: Bool) -> Decision {
        let common = self.clientVersions.filter { version in
            guard self.merchantVersions.contains(version) else { return false }
            let answers = self.attempts.filter { $0.version == version }.count
            return answers == 0 || (answers == 1 && self.serverErrors.contains(version))
        }
        guard let version = common.first else { return self.exhausted }
        return .send(version, probing: probing)
    }

    /// The newest version not yet tried, as a probe.
    private func nextOlder() -> Decision {
        guard let version = self.clientVersions.first(where: { !self.tried($0) }) else { return self.exhausted }
        return .send(version, probing: true)
    }
}
