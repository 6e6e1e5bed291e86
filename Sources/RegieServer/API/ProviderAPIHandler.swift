import Crypto
import Foundation
import Inburgering
import OpenAPIRuntime
import RegieCasework
import RegieProviderAPI
import RegieStorage

/// The provider API (`/api/aanbieder/v1`, issue 18 item 5), implementing the protocol generated
/// from `RegieProviderAPI/openapi.json`. The caller is the provider's link key, a partner principal
/// like the provider's staff: it reads only the people referred to the provider whose consent runs,
/// and of them only what they consented to (`Policy.scope`). Every change runs the same casework
/// command as the provider's pages, and is stored with the provider's own message id in the same
/// transaction (`deliver`), so a repeated delivery changes nothing.
struct ProviderAPIHandler: APIProtocol {
    let services: AppServices

    struct Caller {
        let context: RegieRequestContext
        let principal: Principal
        let partner: PartnerUser
        var scope: TenantScope { Policy.scope(for: principal) }
        /// The link key's id (the partner's id is `apikey:<id>`).
        var keyId: String { String(partner.id.dropFirst(Self.keyPrefix.count)) }
        static let keyPrefix = "apikey:"
    }

    private func caller() throws -> Caller {
        guard let context = APIMiddleware.current, let principal = context.principal, case .partner(let partner) = principal else {
            throw AppError.unauthenticated
        }
        return Caller(context: context, principal: principal, partner: partner)
    }

    // MARK: Reads

    func listReferrals(_ input: Operations.ListReferrals.Input) async throws -> Operations.ListReferrals.Output {
        let caller = try caller()
        let limit = try APIPaging.limit(input.query.limit)
        try APIPaging.cursor(input.query.after, within: 100)
        let page = try await services.providers.partnerReferralPage(providerId: caller.partner.providerId, scope: caller.scope, after: input.query.after,
                                                                    limit: limit)
        var data: [Components.Schemas.Referral] = []
        for referral in page.rows { data.append(try await representation(referral, caller)) }
        try await audit(.partnerAPIReferralsView, people: page.rows.map { ($0.referral.personId, $0.referral.id) }, caller)
        let next = page.more ? page.rows.last.map { "\(ProviderAPISpec.basePath)/referrals?limit=\(limit)&after=\(QueryValue.encode($0.referral.id))" } : nil
        return .ok(.init(headers: .init(apiVersion: ProviderAPISpec.version), body: .json(.init(data: data, next: next))))
    }

    func getReferral(_ input: Operations.GetReferral.Input) async throws -> Operations.GetReferral.Output {
        let caller = try caller()
        let referral = try await openReferral(input.path.referralId, caller)
        let body = try await representation(referral, caller)
        try await audit(.partnerAPIReferralView, people: [(referral.referral.personId, referral.referral.id)], caller)
        return .ok(.init(headers: .init(apiVersion: ProviderAPISpec.version), body: .json(body)))
    }

    func listOffers(_ input: Operations.ListOffers.Input) async throws -> Operations.ListOffers.Output {
        let caller = try caller()
        let groups = try await services.providers.lessonGroups(providerId: caller.partner.providerId)
        let data = groups.map { group in
            Components.Schemas.Offer(id: group.offer.id, name: group.offer.name, leerroute: APIValues.spec(group.offer.leerroute), niveau: APIValues.spec(group.offer.niveau),
                                     starts: group.starts.map { .init(id: $0.id, startsOn: $0.startsOn.iso) })
        }
        return .ok(.init(headers: .init(apiVersion: ProviderAPISpec.version), body: .json(.init(data: data))))
    }

    /// An open referral to the provider of a person whose consent runs, or 404.
    private func openReferral(_ id: String, _ caller: Caller) async throws -> PartnerReferral {
        guard TextLength.fits(id, within: 100),
              let referral = try await services.providers.partnerReferral(id: id, providerId: caller.partner.providerId, scope: caller.scope) else {
            throw AppError.notFound
        }
        return referral
    }

    /// A referral as the provider may see it: who the person is always, the rest by consent.
    private func representation(_ r: PartnerReferral, _ caller: Caller) async throws -> Components.Schemas.Referral {
        let personId = r.referral.personId
        let granted = caller.partner.grants[personId] ?? []
        let casework = services.casework
        let scope = caller.scope
        guard let contact = try await casework.partnerContact(personId: personId, scope: scope) else { throw AppError.notFound }
        let route = try await casework.partnerRoute(personId: personId, scope: scope).map {
            Components.Schemas.RouteLevel(leerroute: APIValues.spec($0.leerroute), niveau: APIValues.spec($0.niveau))
        }
        let goals = try await casework.partnerPlanGoals(personId: personId, scope: scope).map {
            Components.Schemas.PlanGoals(version: $0.version, dagtekening: $0.dagtekening?.iso, begeleiding: $0.begeleiding, ondersteuning: $0.ondersteuning,
                                         pvt: $0.pvt, map: $0.map)
        }
        var hours: [Components.Schemas.HoursTotal]?
        if granted.contains(.hours) {
            hours = try await casework.partnerHours(personId: personId, scope: scope).sorted { $0.key < $1.key }.compactMap { kind, total in
                APIValues.spec(stored: kind).map { Components.Schemas.HoursTotal(kind: $0, hours: total) }
            }
        }
        let consent: [Components.Schemas.ConsentClass] = ConsentClass.allCases.filter { granted.contains($0.dataClasses) }.compactMap { APIValues.spec($0) }
        let x = r.referral
        return Components.Schemas.Referral(
            id: x.id, status: APIValues.spec(x.status) ?? .referred, offerId: x.offerId, offerName: r.offerName, startId: x.startId,
            startsOn: r.startsOn?.iso, referredOn: x.referredOn.iso, plannedStartOn: x.plannedStartOn?.iso, startedOn: x.startedOn?.iso, consent: consent,
            person: .init(givenNames: contact.givenNames, familyName: contact.familyName, dateOfBirth: contact.dateOfBirth?.iso, phone: contact.phone,
                          email: contact.email, language: contact.language, interpreterNeeded: contact.interpreterNeeded),
            route: route, planGoals: goals, hours: hours)
    }

    /// One audit entry per person read, in the municipality's log, written together.
    private func audit(_ action: AuditAction, people: [(personId: String, referralId: String)], _ caller: Caller) async throws {
        let now = services.clock.now()
        let municipality = caller.partner.municipalities.first?.code
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (personId, referralId) in people {
                var event = services.auditEvent(action, context: caller.context, permission: .readPersons, detail: "verwijzing \(referralId)")
                event.personId = personId
                event.municipalityCode = municipality
                group.addTask { try await services.auditCommit.append(event, at: now) }
            }
            try await group.waitForAll()
        }
    }

    // MARK: Changes, each under the provider's message id

    /// What a delivery came to: the resource it made or changed, and whether it had been delivered before.
    struct Delivered {
        let resourceId: String
        let replayed: Bool
    }

    /// Runs `change` once per message id of the provider. The message is stored by the change's own
    /// transaction (`CommitClaim`): a repeated delivery with the same content is answered from it and
    /// changes nothing; another content under a used id is a 409; two deliveries racing each other
    /// store one change (the second's transaction fails on the message's key and rolls back).
    private func deliver<Body: Encodable>(_ operation: String, messageId: String, body: Body, resourceId: String, status: Int, _ caller: Caller,
                                          _ change: () async throws -> Void) async throws -> Delivered {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let digest = SHA256.hash(data: Data(operation.utf8) + [0] + (try encoder.encode(body)))
        let hash = digest.map { String(format: "%02x", $0) }.joined()
        let providerId = caller.partner.providerId
        func earlier() async throws -> Delivered? {
            guard let found = try await services.providers.message(providerId: providerId, messageId: messageId) else { return nil }
            guard found.requestHash == hash else {
                throw AppError.rejected(status: 409, detail: "messageId \(messageId) is al gebruikt voor een ander bericht. Geef elk bericht een eigen id.",
                                        fields: [.init(name: "body.messageId", message: "is al gebruikt voor een ander bericht")])
            }
            return Delivered(resourceId: found.resourceId, replayed: true)
        }
        if let replay = try await earlier() { return replay }
        let message = ProviderMessage(providerId: providerId, messageId: messageId, operation: operation, requestHash: hash, resourceId: resourceId,
                                      status: status, keyId: caller.keyId)
        let claim = ProviderStore.claim(message, now: services.clock.now())
        do {
            try await CommitClaim.$current.withValue(claim) { try await change() }
        } catch {
            // The same message delivered at the same moment: the other delivery stored the change.
            if claim.wasTaken, let replay = try await earlier() { return replay }
            throw error
        }
        // A change that wrote in no transaction of its own: store the message after it.
        try await claim.writeAlone(on: services.database)
        return Delivered(resourceId: resourceId, replayed: false)
    }

    /// Runs a command for the key's principal; refusals come back as problem+json with `body.` paths.
    private func run<C: CaseworkCommand>(_ command: C, _ caller: Caller, renaming names: [String: String] = [:]) async throws -> C.Output {
        do {
            return try await services.run(command, principal: caller.principal, scope: caller.scope, permission: .readPersons, context: caller.context)
        } catch let invalid as FormErrors {
            let fields = invalid.fields.map { AppError.FieldError(name: "body." + (names[$0.name] ?? $0.name), message: $0.message) }
            let detail = fields.first?.message ?? "Ongeldig verzoek."
            if invalid.status == .badRequest { throw AppError.invalid(detail: detail, fields: fields) }
            throw AppError.rejected(status: invalid.status.code, detail: detail, fields: fields)
        }
    }

    /// The case of an open referral, as the provider's commands act on it.
    private func file(_ referral: PartnerReferral, _ caller: Caller) async throws -> CaseFile {
        guard let found = try await services.persons.fetchCase(personId: referral.referral.personId, scope: caller.scope) else { throw AppError.notFound }
        return CaseFile(person: found.person, traject: found.traject)
    }

    private func step(_ referralId: String, _ step: StepReferral.Step, messageId: String, body: some Encodable, on: String, plannedStart: String? = nil,
                      reason: String? = nil) async throws -> Components.Schemas.StepResult {
        let caller = try caller()
        let providerId = caller.partner.providerId
        // A step delivered again after it ended the referral finds it no longer open: answer from the message.
        if let replay = try await earlierDelivery("\(step.rawValue):\(referralId)", messageId, body, caller) {
            let status = try await services.providers.referralStatus(id: replay.resourceId, providerId: providerId) ?? .referred
            return .init(referralId: referralId, status: APIValues.spec(status) ?? .referred, messageId: messageId, replayed: true)
        }
        let referral = try await openReferral(referralId, caller)
        let command = StepReferral(file: try await file(referral, caller), referralId: referralId, step: step, on: CalendarDate(iso: on),
                                   plannedStart: plannedStart.flatMap(CalendarDate.init(iso:)), reason: reason, providerId: providerId)
        var status = referral.referral.status
        let delivered = try await deliver("\(step.rawValue):\(referralId)", messageId: messageId, body: body, resourceId: referralId, status: 200, caller) {
            status = try await run(command, caller)
        }
        if delivered.replayed { status = try await services.providers.referralStatus(id: referralId, providerId: providerId) ?? status }
        return .init(referralId: referralId, status: APIValues.spec(status) ?? .referred, messageId: messageId, replayed: delivered.replayed)
    }

    func answerReferral(_ input: Operations.AnswerReferral.Input) async throws -> Operations.AnswerReferral.Output {
        guard case .json(let body) = input.body else { throw AppError.invalid(detail: "Geef een JSON-body.", fields: []) }
        let accept = body.decision == .accept
        if accept, body.plannedStart == nil {
            throw AppError.invalid(detail: "Geef bij accept de geplande start (plannedStart).", fields: [.init(name: "body.plannedStart", message: "is verplicht bij accept")])
        }
        if !accept, (body.reason ?? "").isEmpty {
            throw AppError.invalid(detail: "Geef bij refuse de reden (reason).", fields: [.init(name: "body.reason", message: "is verplicht bij refuse")])
        }
        let result = try await step(input.path.referralId, accept ? .accept : .refuse, messageId: body.messageId, body: body, on: body.on,
                                    plannedStart: accept ? body.plannedStart : nil, reason: accept ? nil : body.reason)
        return .ok(.init(headers: .init(apiVersion: ProviderAPISpec.version), body: .json(result)))
    }

    func reportStart(_ input: Operations.ReportStart.Input) async throws -> Operations.ReportStart.Output {
        guard case .json(let body) = input.body else { throw AppError.invalid(detail: "Geef een JSON-body.", fields: []) }
        let result = try await step(input.path.referralId, .start, messageId: body.messageId, body: body, on: body.on)
        return .ok(.init(headers: .init(apiVersion: ProviderAPISpec.version), body: .json(result)))
    }

    func reportEnd(_ input: Operations.ReportEnd.Input) async throws -> Operations.ReportEnd.Output {
        guard case .json(let body) = input.body else { throw AppError.invalid(detail: "Geef een JSON-body.", fields: []) }
        let result = try await step(input.path.referralId, .end, messageId: body.messageId, body: body, on: body.on, reason: body.reason)
        return .ok(.init(headers: .init(apiVersion: ProviderAPISpec.version), body: .json(result)))
    }

    func reportProgress(_ input: Operations.ReportProgress.Input) async throws -> Operations.ReportProgress.Output {
        guard case .json(let body) = input.body else { throw AppError.invalid(detail: "Geef een JSON-body.", fields: []) }
        let caller = try caller()
        let referralId = input.path.referralId
        if let replay = try await earlierDelivery("rapportage:\(referralId)", body.messageId, body, caller) {
            return .created(.init(headers: .init(apiVersion: ProviderAPISpec.version), body: .json(.init(id: replay.resourceId, messageId: body.messageId, replayed: true))))
        }
        let referral = try await openReferral(referralId, caller)
        var levels: [Taalvaardigheid: Taalniveau] = [:]
        let given: [(Taalvaardigheid, Components.Schemas.Level?)] = [(.lezen, body.levels?.lezen), (.luisteren, body.levels?.luisteren),
                                                                      (.spreken, body.levels?.spreken), (.schrijven, body.levels?.schrijven)]
        for case let (skill, level?) in given { levels[skill] = APIValues.law(level) }
        let command = ReportProgress(file: try await file(referral, caller), referralId: referralId, providerId: caller.partner.providerId,
                                     reportedOn: CalendarDate(iso: body.reportedOn), levels: levels, advice: APIValues.law(body.advice),
                                     note: body.note)
        let delivered = try await deliver("rapportage:\(referralId)", messageId: body.messageId, body: body, resourceId: command.id, status: 201, caller) {
            try await run(command, caller, renaming: ["reportNote": "note"])
        }
        return .created(.init(headers: .init(apiVersion: ProviderAPISpec.version),
                              body: .json(.init(id: delivered.resourceId, messageId: body.messageId, replayed: delivered.replayed))))
    }

    func reportExamResult(_ input: Operations.ReportExamResult.Input) async throws -> Operations.ReportExamResult.Output {
        guard case .json(let body) = input.body else { throw AppError.invalid(detail: "Geef een JSON-body.", fields: []) }
        let caller = try caller()
        let referralId = input.path.referralId
        if let replay = try await earlierDelivery("examen:\(referralId)", body.messageId, body, caller) {
            return .created(.init(headers: .init(apiVersion: ProviderAPISpec.version), body: .json(.init(id: replay.resourceId, messageId: body.messageId, replayed: true))))
        }
        let referral = try await openReferral(referralId, caller)
        let command = RecordExamResult(file: try await file(referral, caller), referralId: referralId, providerId: caller.partner.providerId,
                                       onderdeel: APIValues.law(body.component), niveau: APIValues.law(body.level),
                                       examDate: CalendarDate(iso: body.examDate), passed: body.passed)
        let delivered = try await deliver("examen:\(referralId)", messageId: body.messageId, body: body, resourceId: command.id, status: 201, caller) {
            try await run(command, caller, renaming: ["onderdeel": "component", "niveau": "level"])
        }
        return .created(.init(headers: .init(apiVersion: ProviderAPISpec.version),
                              body: .json(.init(id: delivered.resourceId, messageId: body.messageId, replayed: delivered.replayed))))
    }

    /// A change delivered before under this message id, answered from its message before anything is
    /// read (its referral may have ended since); a 409 when the id was used for another change.
    private func earlierDelivery(_ operation: String, _ messageId: String, _ body: some Encodable, _ caller: Caller) async throws -> Delivered? {
        guard try await services.providers.message(providerId: caller.partner.providerId, messageId: messageId) != nil else { return nil }
        return try await deliver(operation, messageId: messageId, body: body, resourceId: "", status: 0, caller) {}
    }

    func recordLesson(_ input: Operations.RecordLesson.Input) async throws -> Operations.RecordLesson.Output {
        guard case .json(let body) = input.body else { throw AppError.invalid(detail: "Geef een JSON-body.", fields: []) }
        let caller = try caller()
        let settings = try await services.settings.fetch(caller.partner.municipalities.first?.code ?? "")
        let absence = settings.law.aanwezigheid
        let providerName = try await services.providers.partnerHome(providerId: caller.partner.providerId)?.provider.name ?? ""
        let title = services.catalogue.text("lessons.signalTask", .nl, ["n": String(absence.afwezigLessen), "weeks": String(absence.periodeWeken),
                                                                        "provider": providerName])
        let command = RecordLesson(providerId: caller.partner.providerId, id: CommandContext.newID(), offerId: body.offerId, startId: body.startId,
                                   date: CalendarDate(iso: body.date), startsAt: body.startsAt, hours: body.hours, soort: APIValues.law(body.kind),
                                   present: body.present, absence: absence, signalTitle: title)
        let delivered = try await deliver("les", messageId: body.messageId, body: body, resourceId: command.id, status: 201, caller) {
            _ = try await run(command, caller, renaming: ["soort": "kind"])
        }
        guard let counted = try await services.providers.lessonCount(id: delivered.resourceId, providerId: caller.partner.providerId) else {
            throw AppError.notFound
        }
        return .created(.init(headers: .init(apiVersion: ProviderAPISpec.version),
                              body: .json(.init(id: counted.lesson.id, present: counted.present, absent: counted.absent, messageId: body.messageId,
                                                replayed: delivered.replayed))))
    }
}

extension APIMiddleware {
    /// A provider's link key: a partner principal of the provider, with the people referred to it
    /// and what each consented to, read afresh on every request (a revoked consent counts at once).
    /// A revoked key, or a key of a provider switched off, opens nothing.
    func authenticateProvider(_ token: String) async throws -> Principal {
        guard let (prefix, secret) = ProviderAPIKeyToken.parse(token),
              let (key, secretHash, providerActive, organisationId) = try await services.providers.apiKey(prefix: prefix),
              key.revokedAt == nil, providerActive,
              TokenHasher.equal(services.hasher.digest(secret), secretHash),
              let home = try await services.providers.partnerHome(providerId: key.providerId) else {
            throw AppError.unauthenticated
        }
        let now = services.clock.now()
        if key.lastUsedAt.map({ now.timeIntervalSince($0) >= 60 }) ?? true {
            try await services.providers.touchAPIKey(id: key.id, now: now)
        }
        let grants = try await services.providers.partnerGrants(providerId: key.providerId, today: CalendarDate.today(now: now))
        return .partner(PartnerUser(id: ProviderAPIHandler.Caller.keyPrefix + key.id, name: "Koppeling \(key.name)", organisationId: organisationId,
                                    organisationName: home.provider.name, municipalities: [home.municipality], grants: grants,
                                    providerId: key.providerId))
    }
}
