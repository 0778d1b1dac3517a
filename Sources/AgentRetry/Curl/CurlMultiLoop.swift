import Foundation
import Synchronization

/// The one thread that drives libcurl for a transport.
///
/// Tasks set their transfer up themselves, hand it over through a locked inbox and wake the thread
/// with `curl_multi_wakeup`; the thread adds it to the shared multi handle, runs
/// `curl_multi_perform` and `curl_multi_poll`, and resumes the task when the transfer ends. Reading
/// the outcome and recycling the handle happen back on the task, so this thread does libcurl's I/O
/// and little else. No thread of Swift's cooperative pool ever waits on libcurl.
final class CurlMultiLoop: @unchecked Sendable {
    /// A transfer handed to the loop, with the task waiting for it.
    struct Job: Sendable {
        let transfer: CurlTransfer
        let ticket: TransferTicket
        let continuation: CheckedContinuation<CurlTransfer.Ending, Never>
    }

    private enum Command {
        case start(Job)
        case cancel(UInt64)
    }

    private struct Inbox {
        var commands: [Command] = []
        var stopping = false
        var finished = false
        var stopWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let multi: CurlMultiHandle
    private let inbox = Mutex(Inbox())
    private let commandsWaiting = Atomic<Bool>(false)
    private let transferCounter = Atomic<UInt64>(0)

    // Loop thread only.
    private var active: [UnsafeMutableRawPointer: Job] = [:]
    private var handlesByID: [UInt64: UnsafeMutableRawPointer] = [:]
    /// Transfers added since the last `curl_multi_perform`: libcurl resets a handle's counters only
    /// when it first works on it, so until then they still describe the handle's previous request.
    private var awaitingFirstPerform: [CurlTransfer] = []

    init(pool: HTTPTransport.Configuration.ConnectionPool) {
        CurlGlobal.initializeOnce()
        guard let multi = CurlMultiHandle(pool: pool) else {
            preconditionFailure("curl_multi_init failed: out of memory")
        }
        self.multi = multi
        let thread = Thread { [self] in self.run() }
        thread.name = "AgentRetry.curl"
        thread.start()
    }

    /// A new transfer identifier, unique within this loop.
    func nextTransferID() -> UInt64 {
        self.transferCounter.wrappingAdd(1, ordering: .relaxed).newValue
    }

    /// Hands a transfer to the loop thread. After shutdown it ends at once, unsent.
    func submit(_ job: Job) {
        let accepted = self.inbox.withLock { inbox in
            guard !inbox.stopping else { return false }
            inbox.commands.append(.start(job))
            return true
        }
        guard accepted else {
            job.continuation.resume(returning: .interrupted(.transportShutDown, message: "the transport was shut down"))
            return
        }
        self.commandsWaiting.store(true, ordering: .releasing)
        self.multi.wakeUp()
    }

    /// Aborts a handed-over transfer; the loop resumes its task with
    /// ``HTTPTransportError/Code-swift.struct/cancelled``.
    func cancel(_ id: UInt64) {
        self.inbox.withLock { $0.commands.append(.cancel(id)) }
        self.commandsWaiting.store(true, ordering: .releasing)
        self.multi.wakeUp()
    }

    /// Asks the thread to stop without waiting for it.
    func requestStop() {
        self.inbox.withLock { $0.stopping = true }
        self.commandsWaiting.store(true, ordering: .releasing)
        self.multi.wakeUp()
    }

    /// Stops the thread, ending unfinished transfers, and returns once it has exited.
    func stop() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let finished = self.inbox.withLock { inbox in
                inbox.stopping = true
                if !inbox.finished { inbox.stopWaiters.append(continuation) }
                return inbox.finished
            }
            if finished {
                continuation.resume()
            } else {
                self.commandsWaiting.store(true, ordering: .releasing)
                self.multi.wakeUp()
            }
        }
    }

    // MARK: The thread

    private func run() {
        while true {
            self.commandsWaiting.store(false, ordering: .relaxed)
            let (commands, stopping) = self.inbox.withLock { inbox in
                defer { inbox.commands = [] }
                return (inbox.commands, inbox.stopping)
            }
            if stopping {
                self.endEverything(pending: commands)
                break
            }
            for command in commands {
                switch command {
                case .start(let job): self.start(job)
                case .cancel(let id): self.abort(id)
                }
            }
            self.multi.perform()
            for transfer in self.awaitingFirstPerform { transfer.enteredMulti = true }
            self.awaitingFirstPerform.removeAll(keepingCapacity: true)
            var completedAny = false
            while let (handle, result) = self.multi.nextCompleted() {
                self.complete(handle, result)
                completedAny = true
            }
            if (completedAny || !self.active.isEmpty) && self.workArrivesSoon() { continue }
            self.multi.poll(milliseconds: 1000)
        }
        let waiters = self.inbox.withLock { inbox in
            inbox.finished = true
            defer { inbox.stopWaiters = [] }
            return inbox.stopWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// How long the thread watches for work before it sleeps. Waking a sleeping thread costs about
    /// 15 µs on a small virtual machine, more than a loopback answer takes: a short watch saves it
    /// on the hot path and costs at most this much CPU per sleep.
    private static let watchBeforeSleeping = Duration.microseconds(50)

    /// Watches for work without sleeping, for up to ``watchBeforeSleeping``: a new command, or (when
    /// transfers are under way) a socket turning ready. A task just resumed often sends its next
    /// request, and a loopback server often answers, within microseconds. Sockets are probed with
    /// `curl_multi_wait`, which leaves the wake-up pipe alone, so no `curl_multi_wakeup` is lost.
    private func workArrivesSoon() -> Bool {
        let watchSockets = !self.active.isEmpty
        let clock = ContinuousClock()
        let deadline = clock.now + Self.watchBeforeSleeping
        while clock.now < deadline {
            if self.commandsWaiting.load(ordering: .acquiring) { return true }
            if watchSockets && self.multi.socketsReady() { return true }
        }
        return false
    }

    private func start(_ job: Job) {
        // A cancellation that came after the hand-over but before this start found nothing to abort.
        guard !job.ticket.isCancelled else {
            job.continuation.resume(
                returning: .interrupted(.cancelled, message: "the calling task was cancelled before sending")
            )
            return
        }
        let easy = job.transfer.easy
        guard self.multi.add(easy) else {
            job.continuation.resume(returning: .refused(.failedInit))
            return
        }
        self.awaitingFirstPerform.append(job.transfer)
        self.active[easy.raw] = job
        self.handlesByID[job.transfer.id] = easy.raw
    }

    private func complete(_ handle: UnsafeMutableRawPointer, _ result: CurlResultCode) {
        guard let job = self.active.removeValue(forKey: handle) else { return }
        self.handlesByID[job.transfer.id] = nil
        self.multi.remove(job.transfer.easy)
        job.continuation.resume(returning: .finished(result))
    }

    private func abort(_ id: UInt64) {
        guard let handle = self.handlesByID.removeValue(forKey: id), let job = self.active.removeValue(forKey: handle)
        else {
            return
        }
        self.multi.remove(job.transfer.easy)
        job.continuation.resume(returning: .interrupted(.cancelled, message: "the calling task was cancelled"))
    }

    private func endEverything(pending commands: [Command]) {
        for case .start(let job) in commands {
            job.continuation.resume(returning: .interrupted(.transportShutDown, message: "the transport was shut down"))
        }
        for job in self.active.values {
            self.multi.remove(job.transfer.easy)
            job.continuation.resume(
                returning: .interrupted(.transportShutDown, message: "the transport was shut down mid-transfer")
            )
        }
        self.active.removeAll()
        self.handlesByID.removeAll()
        self.awaitingFirstPerform.removeAll()
    }
}
