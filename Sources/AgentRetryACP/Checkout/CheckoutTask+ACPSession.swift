import AgentRetry
import Foundation

extension CheckoutTask {
    /// Takes an anchored session from where it is to an outcome: update when the cart's fulfilment
    /// choice is not selected yet, complete when ready, poll when a complete is in flight.
    func drive(
        _ acp: ACPClient,
        session initial: CheckoutSession,
        anchor: String,
        complete: CheckoutSessionCompleteRequest,
        cart: CheckoutCart,
        log: inout CheckoutLog
    ) async throws(CheckoutTaskError) -> SessionStep {
        var session = initial
        let namespace = self.configuration.namespace
        // Each round either ends the task or refreshes the session after a refused step; the
        // bound keeps a merchant that keeps refusing from looping.
        for _ in 0..<3 {
            switch session.status {
            case .completed: return .outcome(log.outcome(.completed, session: session))
            case .canceled, .expired: return .newGeneration(session.status)
            case .completeInProgress: return try await self.settle(acp, anchor: anchor, log: log)
            default: break
            }
            if let wanted = cart.fulfillmentOptionID,
                !session.selectedFulfillmentOptions.contains(where: { $0.optionID == wanted })
            {
                guard let option = session.fulfillmentOptions.first(where: { $0.id == wanted }) else {
                    return .outcome(
                        log.outcome(
                            .needsInput,
                            session: session,
                            messages: session.messages,
                            reason: "the merchant does not offer fulfillment option \(wanted) for this session"
                        )
                    )
                }
                let update = Self.updateRequest(selecting: option, in: session)
                do {
                    let response = try await acp.update(
                        anchor,
                        update,
                        intent: acp.stepIntent(
                            namespace: namespace,
                            taskID: log.taskID,
                            anchor: anchor,
                            step: "update",
                            body: update
                        )
                    )
                    log.note(response.call)
                    await self.emit(.step("update", status: response.status))
                    session = response.body
                } catch {
                    log.note(error)
                    guard error.code == .rejected, (error.status ?? 500) < 500 else {
                        return .outcome(try self.settleFailedStep(error, step: "update", log: log))
                    }
                    // Refused (the session may have expired meanwhile): look at it again.
                    guard let current = try await self.retrieve(acp, anchor, log: log) else {
                        throw self.anchorLost(anchor, log: log)
                    }
                    if current.status.isTerminal
                        || current.selectedFulfillmentOptions.contains(where: { $0.optionID == wanted })
                    {
                        session = current
                        continue
                    }
                    return .outcome(try self.settleFailedStep(error, step: "update", log: log))
                }
            }
            guard session.status == .readyForPayment || session.status == .authenticationRequired else {
                if session.status.isTerminal || session.status == .completeInProgress { continue }
                return .outcome(
                    log.outcome(
                        .needsInput,
                        session: session,
                        messages: session.messages,
                        reason: "the session is \(session.status): the merchant's messages say what it needs"
                    )
                )
            }
            do {
                let response = try await acp.complete(
                    anchor,
                    complete,
                    intent: acp.stepIntent(
                        namespace: namespace,
                        taskID: log.taskID,
                        anchor: anchor,
                        step: "complete",
                        body: complete
                    )
                )
                log.note(response.call)
                await self.emit(.step("complete", status: response.status))
                session = response.body
            } catch {
                log.note(error)
                if error.code == .pending || error.idempotentCallError?.code == .inFlightAtServer {
                    // The complete may have happened, or is still running: never re-POST, poll.
                    return try await self.settle(acp, anchor: anchor, log: log)
                }
                if error.code == .rejected && error.error?.code == "requires_3ds" {
                    return .outcome(
                        log.outcome(
                            .needsInput,
                            session: session,
                            reason: "3D Secure authentication is required: authenticate the buyer, "
                                + "then complete with an authentication_result (ACPClient.complete)"
                        )
                    )
                }
                guard error.code == .rejected, (error.status ?? 500) < 500 else {
                    return .outcome(try self.settleFailedStep(error, step: "complete", log: log))
                }
                guard let current = try await self.retrieve(acp, anchor, log: log) else {
                    throw self.anchorLost(anchor, log: log)
                }
                if current.status.isTerminal {
                    session = current
                    continue
                }
                return .outcome(try self.settleFailedStep(error, step: "complete", log: log))
            }
            if session.status == .completed { return .outcome(log.outcome(.completed, session: session)) }
            let declined = session.errorMessages.filter { $0.code == .paymentDeclined }
            if !declined.isEmpty {
                return .outcome(
                    log.outcome(
                        .declined,
                        session: session,
                        messages: declined,
                        reason: "the payment credential was declined; a new credential is a new intent"
                    )
                )
            }
            if session.status.isTerminal { continue }
            return .outcome(
                log.outcome(
                    .needsInput,
                    session: session,
                    messages: session.messages,
                    reason: "the merchant did not complete the session (\(session.status))"
                )
            )
        }
        return .outcome(
            log.outcome(
                .needsInput,
                session: session,
                messages: session.messages,
                reason: "the merchant kept refusing the task's steps (session \(session.status))"
            )
        )
    }

    /// Polls the session, never re-POSTing, until it is completed or the settle deadline passes.
    func settle(_ acp: ACPClient, anchor: String, log: CheckoutLog) async throws(CheckoutTaskError) -> SessionStep {
        await self.emit(.polling(anchor))
        var schedule = self.pollSchedule()
        var last: CheckoutSession?
        repeat {
            // An unreachable merchant is polled again until the deadline; a 404 ends the poll.
            let found: CheckoutSession?
            do { found = try await self.retrieve(acp, anchor, log: log) } catch { continue }
            guard let session = found else { throw self.anchorLost(anchor, log: log) }
            last = session
            if session.status == .completed { return .outcome(log.outcome(.completed, session: session)) }
            if session.status == .canceled || session.status == .expired { return .newGeneration(session.status) }
        } while await self.waitBeforePoll(&schedule)
        return .outcome(
            log.outcome(
                .pending,
                session: last,
                reason: "the complete call is still in flight or its outcome unknown after "
                    + "\(self.configuration.settleDeadline); run the task again to resume it"
            )
        )
    }
}
