import Foundation
import Inburgering
import OpenAPIRuntime
import RegieAPI
import RegieCasework
import RegieStorage

/// The casework operations of `/api/v1`. Each one runs the same validation, authorisation, store
/// call and audit entry as the web form it mirrors (the controllers' `record…` functions): a JSON
/// body is read as form values, and field errors come back as problem+json with `body.` paths.
extension APIHandler {
    var context: RegieRequestContext {
        get throws {
            guard let context = APIMiddleware.current else { throw AppError.unauthenticated }
            return context
        }
    }

    func loadCase(_ id: String, _ permission: Permission) async throws -> CaseLoader.Loaded {
        try await CaseLoader(services: services).load(id: id, context: try context, permission: permission)
    }

    /// Runs a shared casework action; `FormErrors` become problem+json with the API's field names.
    func perform<T>(renaming names: [String: String] = [:], _ action: () async throws -> T) async throws -> T {
        do {
            return try await action()
        } catch let invalid as FormErrors {
            let apiName = Dictionary(names.map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
            let fields = invalid.fields.map { field in
                AppError.FieldError(name: field.name.hasPrefix("rules.") ? field.name : "body." + (apiName[field.name] ?? field.name), message: field.message)
            }
            let detail = fields.first?.message ?? "Ongeldig verzoek."
            if invalid.status == .badRequest { throw AppError.invalid(detail: detail, fields: fields) }
            throw AppError.rejected(status: invalid.status.code, detail: detail, fields: fields)
        }
    }

    var version: String { RegieAPISpec.version }

    // MARK: Caseload and case file

    func listCases(_ input: Operations.ListCases.Input) async throws -> Operations.ListCases.Output {
        let context = try context
        let principal = try context.require(.readPersons)
        let query = input.query
        let limit = try APIPaging.limit(query.limit)
        if let municipality = query.municipality, !principal.municipalities.contains(where: { $0.code == municipality }) {
            throw AppError.invalid(detail: "Deze gemeente hoort niet bij uw organisatie.", fields: [.init(name: "municipality", message: "hoort niet bij uw organisatie")])
        }
        for (name, value) in [("q", query.q), ("after", query.after), ("consulent", query.consulent)] where (value?.unicodeScalars.count ?? 0) > (name == "after" ? 300 : 100) {
            throw AppError.invalid(detail: "\(name) is te lang.", fields: [.init(name: name, message: "is te lang")])
        }
        var filter = PersonStore.ListFilter(
            municipalityCode: query.municipality, phase: APIValues.law(query.phase), leerroute: APIValues.law(query.route),
            doelgroepen: (APIValues.law(query.group) as DoelgroepCategorie?).map { group in Doelgroep.allCases.filter { $0.categorie == group } } ?? [],
            term: APIValues.law(query.term), includeClosed: query.closed ?? false, search: query.q,
            sort: APIValues.law(query.sort) ?? .termijn)
        if let consulent = query.consulent { if consulent == "geen" { filter.unassigned = true } else { filter.consulentId = consulent } }
        let today = CalendarDate.today(now: services.clock.now())
        let page = try await services.persons.listPersons(scope: Policy.scope(for: principal), filter: filter, after: query.after, limit: limit, today: today)
        if !page.rows.isEmpty {
            try await services.record(.caseloadView, context: context, permission: .readPersons, detail: "api; personen: " + page.rows.map(\.id).joined(separator: ","))
        }
        let settings = try await services.settings.fetch(Array(Set(page.rows.map(\.municipalityCode))))
        let rows = page.rows.map { row -> Components.Schemas.CaseSummary in
            let law = settings[row.municipalityCode]?.law ?? .standaard
            let next = row.lawFacts.flatMap { NextTerm.pick(StatutoryClock.terms(for: $0, settings: law, on: today)) }
            return .init(id: row.id, givenNames: row.givenNames, familyName: row.familyName, doelgroep: APIValues.spec(row.doelgroep) ?? .overig,
                         municipalityCode: row.municipalityCode, phase: APIValues.spec(row.phase) ?? .signaal,
                         leerroute: APIValues.spec(row.leerroute), consulent: row.consulentName,
                         nextTerm: next.flatMap(Self.nextTerm))
        }
        var link: String?
        if let cursor = page.next {
            var items = [URLQueryItem(name: "limit", value: String(limit)), URLQueryItem(name: "after", value: cursor)]
            for (name, value) in [("municipality", query.municipality), ("phase", query.phase?.rawValue), ("term", query.term?.rawValue), ("group", query.group?.rawValue),
                                  ("route", query.route?.rawValue), ("consulent", query.consulent), ("q", query.q), ("sort", query.sort?.rawValue),
                                  ("closed", query.closed.map { $0 ? "true" : "false" })] {
                if let value { items.append(URLQueryItem(name: name, value: value)) }
            }
            var components = URLComponents()
            components.queryItems = items
            link = "/api/v1/cases?" + (components.percentEncodedQuery ?? "")
        }
        return .ok(.init(headers: .init(apiVersion: version), body: .json(.init(data: rows, next: link))))
    }

    /// A case as the API shows it, with its running terms from the law module.
    func caseBody(_ loaded: CaseLoader.Loaded) async throws -> Components.Schemas.Case {
        let person = loaded.person
        let traject = try await services.persons.fetchTraject(personId: person.id, scope: loaded.scope) ?? loaded.traject
        let members = try await services.persons.listHouseholdMembers(of: person, scope: loaded.scope)
        let law = try await services.settings.fetch(person.municipalityCode).law
        let today = CalendarDate.today(now: services.clock.now())
        let terms = StatutoryClock.terms(for: traject.lawFacts(person: person), settings: law, on: today)
        return .init(
            id: person.id, givenNames: person.givenNames, familyName: person.familyName, dateOfBirth: person.dateOfBirth?.iso ?? "",
            gender: APIValues.spec(person.gender) ?? .x, bsn: person.bsn, vNummer: person.vNummer,
            doelgroep: APIValues.spec(person.doelgroep) ?? .overig, municipalityCode: person.municipalityCode, language: person.language,
            interpreterNeeded: person.interpreterNeeded, phase: APIValues.spec(traject.phase) ?? .signaal, consulentId: traject.consulentId,
            leerroute: APIValues.spec(traject.leerroute), closedReason: traject.closedReason?.rawValue,
            dates: .init(kennisgeving: traject.kennisgevingDate?.iso, koppeling: traject.koppelingDate?.iso, housing: traject.housingDate?.iso,
                         brp: traject.brpDate?.iso, intake: traject.intakeDate?.iso, pip: traject.pipDate?.iso, routeStart: traject.routeStartDate?.iso,
                         closed: traject.closedDate?.iso, lastContact: nil, lastMeeting: traject.lastMeetingDate?.iso),
            terms: terms.filter { $0.status != .notApplicable }.compactMap(Self.term),
            householdMemberIds: members.map(\.id),
            rights: Self.rights(person.doelgroep.categorie, settings: law))
    }

    /// A running term as the spec describes it; a kind or status the spec does not know yet (the law
    /// module gained it first) is left out of the answer, never a crash.
    static func term(_ term: Term) -> Components.Schemas.Term? {
        guard let kind: Components.Schemas.Term.KindPayload = APIValues.spec(term.kind),
              let status: Components.Schemas.Term.StatusPayload = APIValues.spec(term.status) else { return nil }
        return .init(kind: kind, start: term.start.iso, due: term.due.iso, status: status, rule: term.rule.rawValue, source: term.source,
                     completedOn: term.completedOn?.iso)
    }

    static func nextTerm(_ term: Term) -> Components.Schemas.TermRef? {
        guard let kind: Components.Schemas.TermRef.KindPayload = APIValues.spec(term.kind),
              let status: Components.Schemas.TermRef.StatusPayload = APIValues.spec(term.status) else { return nil }
        return .init(kind: kind, due: term.due.iso, status: status)
    }

    /// R0: what the law gives the person by target group, from the law module.
    static func rights(_ categorie: DoelgroepCategorie, settings: MunicipalityLawSettings) -> Components.Schemas.Rights {
        let r = DoelgroepRechten.voor(categorie, settings: settings)
        return .init(inburgeringsaanbod: r.inburgeringsaanbodDoorGemeente, maatschappelijkeBegeleiding: r.maatschappelijkeBegeleiding,
                     ontzorgenBijBijstand: r.financieelOntzorgenBijBijstand, leningDUO: r.leningDUO, zRouteParticipatieuren: r.zRouteParticipatieuren)
    }

    func getCase(_ input: Operations.GetCase.Input) async throws -> Operations.GetCase.Output {
        let loaded = try await loadCase(input.path.id, .readPersons)
        try await services.record(.personView, context: try context, permission: .readPersons, person: loaded.person, detail: "api")
        return .ok(.init(headers: .init(apiVersion: version), body: .json(try await caseBody(loaded))))
    }

    func getCaseTimeline(_ input: Operations.GetCaseTimeline.Input) async throws -> Operations.GetCaseTimeline.Output {
        let loaded = try await loadCase(input.path.id, .readCasework)
        try await services.record(.personView, context: try context, permission: .readCasework, person: loaded.person, detail: "api: tijdlijn")
        let events = try await services.casework.listEvents(personId: loaded.person.id, scope: loaded.scope)
        let data = events.map { Components.Schemas.TimelineEvent(date: $0.eventDate, kind: $0.kind, actor: $0.actorName,
                                                                 recordedAt: Date(timeIntervalSince1970: TimeInterval($0.occurredAt)), detail: $0.detail.nonEmpty) }
        return .ok(.init(headers: .init(apiVersion: version), body: .json(.init(data: data))))
    }

    func registerCase(_ input: Operations.RegisterCase.Input) async throws -> Operations.RegisterCase.Output {
        let context = try context
        let principal = try context.require(.registerPersons)
        guard case .json(let body) = input.body else { throw AppError.invalid(detail: "Verwacht JSON.", fields: []) }
        var r = InputReader()
        let command = RegisterNewcomer(
            givenNames: r.text(body.givenNames), familyName: r.text(body.familyName), dateOfBirth: r.date("dateOfBirth", body.dateOfBirth),
            gender: APIValues.law(body.gender), bsn: r.text(body.bsn), vNummer: r.text(body.vNummer), doelgroep: APIValues.law(body.doelgroep),
            municipalityCode: r.text(body.municipality), language: r.text(body.language), interpreterNeeded: body.interpreter ?? false,
            household: r.text(body.household), kennisgeving: r.date("kennisgeving", body.kennisgeving), koppeling: r.date("koppeling", body.koppeling),
            housing: r.date("housing", body.housing), brp: r.date("brp", body.brp), read: r.issues)
        let person = try await perform {
            try await services.run(command, principal: principal, scope: Policy.scope(for: principal), permission: .registerPersons, context: context)
        }
        let loaded = try await loadCase(person.id, .readPersons)
        return .created(.init(headers: .init(apiVersion: version), body: .json(try await caseBody(loaded))))
    }

    // MARK: Intake, LBT, route

    func addIntakeConversation(_ input: Operations.AddIntakeConversation.Input) async throws -> Operations.AddIntakeConversation.Output {
        let loaded = try await loadCase(input.path.id, .editPersons)
        guard case .json(let body) = input.body else { throw AppError.invalid(detail: "Verwacht JSON.", fields: []) }
        var r = InputReader()
        let command = RecordIntakeConversation(
            file: loaded.file, date: r.date("date", body.date), attendees: r.text(body.attendees), interpreter: body.interpreter ?? false,
            cultureMediator: body.cultureMediator ?? false, withoutPartner: body.withoutPartner ?? false, noShow: body.noShow ?? false,
            topics: body.topics ?? [], note: r.text(body.note), read: r.issues)
        let saved = try await perform { try await services.run(command, on: loaded, context: try context) }
        return .created(.init(headers: .init(apiVersion: version), body: .json(.init(
            id: saved.id, date: saved.conversationDate, attendees: saved.attendees, interpreter: saved.interpreter, cultureMediator: saved.cultureMediator,
            withoutPartner: saved.withoutPartner, noShow: saved.noShow, topics: saved.topics))))
    }

    func saveIntakeTopic(_ input: Operations.SaveIntakeTopic.Input) async throws -> Operations.SaveIntakeTopic.Output {
        let loaded = try await loadCase(input.path.id, .editPersons)
        guard case .json(let body) = input.body else { throw AppError.invalid(detail: "Verwacht JSON.", fields: []) }
        guard let topic = try await IntakeTopic.all(loaded.person.municipalityCode, settings: services.settings).first(where: { $0.key == input.path.topic }) else {
            throw AppError.notFound
        }
        let known = Set(topic.fields.map(\.0))
        if let unknown = body.additionalProperties.keys.sorted().first(where: { !known.contains($0) }) {
            throw AppError.invalid(detail: "Onbekend veld \(unknown) voor dit onderwerp.", fields: [.init(name: "body.\(unknown)", message: "is geen veld van dit onderwerp")])
        }
        let saved = try await perform {
            try await services.run(SaveIntakeTopic(file: loaded.file, topic: topic, answers: body.additionalProperties), on: loaded, context: try context)
        }
        return .ok(.init(headers: .init(apiVersion: version), body: .json(.init(additionalProperties: saved.answers))))
    }

    func recordLBT(_ input: Operations.RecordLBT.Input) async throws -> Operations.RecordLBT.Output {
        let loaded = try await loadCase(input.path.id, .editPersons)
        guard case .json(let body) = input.body else { throw AppError.invalid(detail: "Verwacht JSON.", fields: []) }
        var r = InputReader()
        let command = RecordLBT(file: loaded.file, invitedDate: r.date("invitedDate", body.invitedDate), testDate: r.date("testDate", body.testDate),
                                administrator: r.text(body.administrator), conditions: r.text(body.conditions), score: body.score,
                                exemption: APIValues.law(body.exemption), read: r.issues)
        let saved = try await perform { try await services.run(command, on: loaded, context: try context) }
        let verdict: Components.Schemas.Lbt.VerdictPayload
        switch LeerbaarheidstoetsRule.uitslag(saved.toets) {
        case .b1RouteHaalbaar: verdict = .haalbaar
        case .b1RouteNietHaalbaar: verdict = .nietHaalbaar
        case .onbekend: verdict = .onbekend
        }
        let threshold = saved.testDate.flatMap { LeerbaarheidstoetsRule.drempel(op: $0) }.map { $0.hundredths / 100 }
        return .created(.init(headers: .init(apiVersion: version), body: .json(.init(
            id: saved.id, invitedDate: saved.invitedDate?.iso, testDate: saved.testDate?.iso, score: saved.score, exemption: saved.exemption,
            verdict: verdict, threshold: saved.score == nil ? nil : threshold))))
    }

    func recordSchoolAdvice(_ input: Operations.RecordSchoolAdvice.Input) async throws -> Operations.RecordSchoolAdvice.Output {
        let loaded = try await loadCase(input.path.id, .editPersons)
        guard case .json(let body) = input.body else { throw AppError.invalid(detail: "Verwacht JSON.", fields: []) }
        let names = ["date": "adviceDate", "route": "adviesRoute", "level": "adviesNiveau", "note": "adviesNote"]
        var r = InputReader()
        let command = RecordSchoolAdvice(file: loaded.file, date: r.date("adviceDate", body.date), school: r.text(body.school), route: APIValues.law(body.route),
                                         level: APIValues.law(body.level), note: r.text(body.note), read: r.issues)
        let saved = try await perform(renaming: names) { try await services.run(command, on: loaded, context: try context) }
        return .created(.init(headers: .init(apiVersion: version), body: .json(.init(id: saved.id))))
    }

    func decideRoute(_ input: Operations.DecideRoute.Input) async throws -> Operations.DecideRoute.Output {
        let loaded = try await loadCase(input.path.id, .editPersons)
        guard case .json(let body) = input.body else { throw AppError.invalid(detail: "Verwacht JSON.", fields: []) }
        let r = InputReader()
        let command = DecideRoute(file: loaded.file, leerroute: APIValues.law(body.leerroute), niveau: APIValues.law(body.niveau),
                                  considered: (body.considered ?? []).compactMap { APIValues.law($0) }, considerations: r.text(body.considerations),
                                  deviationReason: r.text(body.deviationReason), read: r.issues)
        let saved = try await perform { try await services.run(command, on: loaded, context: try context) }
        return .created(.init(headers: .init(apiVersion: version), body: .json(.init(
            id: saved.id, decidedDate: saved.decidedDate, leerroute: APIValues.spec(stored: saved.leerroute) ?? .b1, deviation: APIValues.spec(stored: saved.deviation) ?? .geenUitslag,
            lbtScore: saved.lbtScore))))
    }

    // MARK: PIP

    func pipBody(_ pip: PIPRecord) -> Components.Schemas.Pip {
        .init(leerroute: APIValues.spec(pip.leerroute) ?? .b1, niveau: APIValues.spec(pip.niveau), einddoel: APIValues.spec(pip.einddoel),
              begeleiding: pip.begeleiding.nonEmpty, ondersteuning: pip.ondersteuning.nonEmpty, pvt: pip.pvt.nonEmpty, pvtUren: pip.pvtUren,
              map: pip.map.nonEmpty, mapUren: pip.mapUren, vveNvt: pip.vve == .notApplicable, vve: pip.vve.text,
              voortgangsgesprekken: pip.voortgangsgesprekken, cadansMaanden: pip.cadansMaanden, redenAfwijking: pip.redenAfwijking,
              intensiteitB1: pip.intensiteitB1, changeReason: APIValues.spec(pip.changeReason), changeNote: pip.changeNote,
              id: pip.id, version: pip.version, status: pip.isFixed ? .vastgesteld : .concept, dagtekening: pip.dagtekening?.iso)
    }

    func listPIPs(_ input: Operations.ListPIPs.Input) async throws -> Operations.ListPIPs.Output {
        let loaded = try await loadCase(input.path.id, .readCasework)
        try await services.record(.caseworkPipView, context: try context, permission: .readCasework, person: loaded.person, detail: "api")
        let versions = try await services.casework.listPIPs(personId: loaded.person.id, scope: loaded.scope)
        return .ok(.init(headers: .init(apiVersion: version), body: .json(.init(data: versions.map(pipBody)))))
    }

    func pipCase(_ id: String) async throws -> (loaded: CaseLoader.Loaded, pips: PIPVersions) {
        let loaded = try await loadCase(id, .editPersons)
        return (loaded, try await PIPVersions.load(loaded.file, scope: loaded.scope, stores: services.stores))
    }

    func savePIPConcept(_ input: Operations.SavePIPConcept.Input) async throws -> Operations.SavePIPConcept.Output {
        let c = try await pipCase(input.path.id)
        guard case .json(let body) = input.body else { throw AppError.invalid(detail: "Verwacht JSON.", fields: []) }
        let r = InputReader()
        let command = SavePIPConcept(
            pips: c.pips, changeReason: APIValues.law(body.changeReason), changeNote: r.text(body.changeNote), leerroute: APIValues.law(body.leerroute),
            niveau: APIValues.law(body.niveau), begeleiding: r.text(body.begeleiding), ondersteuning: r.text(body.ondersteuning), pvt: r.text(body.pvt),
            pvtUren: body.pvtUren, map: r.text(body.map), mapUren: body.mapUren, vveNietVanToepassing: body.vveNvt ?? false, vve: r.text(body.vve),
            voortgangsgesprekken: body.voortgangsgesprekken, cadansMaanden: body.cadansMaanden, einddoel: APIValues.law(body.einddoel),
            redenAfwijking: r.text(body.redenAfwijking), intensiteitB1: body.intensiteitB1, read: r.issues)
        let saved = try await perform { try await services.run(command, on: c.loaded, context: try context) }
        return .ok(.init(headers: .init(apiVersion: version), body: .json(pipBody(saved))))
    }

    func fixPIP(_ input: Operations.FixPIP.Input) async throws -> Operations.FixPIP.Output {
        let c = try await pipCase(input.path.id)
        guard case .json(let body) = input.body else { throw AppError.invalid(detail: "Verwacht JSON.", fields: []) }
        var r = InputReader()
        let command = FixPIP(pips: c.pips, dagtekening: r.date("dagtekening", body.dagtekening), delayReason: APIValues.law(body.delayReason),
                             delayNote: r.text(body.delayNote), read: r.issues)
        let fixed = try await perform { try await services.run(command, on: c.loaded, context: try context) }
        return .ok(.init(headers: .init(apiVersion: version), body: .json(pipBody(fixed))))
    }

    // MARK: After the PIP

    func startRoute(_ input: Operations.StartRoute.Input) async throws -> Operations.StartRoute.Output {
        let loaded = try await loadCase(input.path.id, .editPersons)
        guard case .json(let body) = input.body else { throw AppError.invalid(detail: "Verwacht JSON.", fields: []) }
        var r = InputReader()
        let command = StartRoute(file: loaded.file, startDate: r.date("startDate", body.startDate), instellingsnummer: r.text(body.instellingsnummer),
                                 expectedEndDate: r.date("expectedEndDate", body.expectedEndDate), literacy: APIValues.law(body.literacy), read: r.issues)
        _ = try await perform { try await services.run(command, on: loaded, context: try context) }
        return .noContent(.init(headers: .init(apiVersion: version)))
    }

    func addProgressMeeting(_ input: Operations.AddProgressMeeting.Input) async throws -> Operations.AddProgressMeeting.Output {
        let loaded = try await loadCase(input.path.id, .editPersons)
        guard case .json(let body) = input.body else { throw AppError.invalid(detail: "Verwacht JSON.", fields: []) }
        var r = InputReader()
        let command = RecordProgressMeeting(file: loaded.file, heldDate: r.date("heldDate", body.heldDate), outcome: APIValues.law(body.outcome),
                                            noShow: body.noShow ?? false, note: r.text(body.meetingNote), read: r.issues)
        let saved = try await perform { try await services.run(command, on: loaded, context: try context) }
        return .created(.init(headers: .init(apiVersion: version), body: .json(.init(id: saved.id))))
    }

    func addHours(_ input: Operations.AddHours.Input) async throws -> Operations.AddHours.Output {
        let loaded = try await loadCase(input.path.id, .editPersons)
        guard case .json(let body) = input.body else { throw AppError.invalid(detail: "Verwacht JSON.", fields: []) }
        var r = InputReader()
        let command = RecordHours(file: loaded.file, soort: APIValues.law(body.soort), periodEnd: r.date("periodEnd", body.periodEnd), hours: body.hours,
                                  provider: r.text(body.provider), duringIntake: body.duringIntake ?? false, confirmed: body.confirmed ?? false, read: r.issues)
        let saved = try await perform { try await services.run(command, on: loaded, context: try context) }
        return .created(.init(headers: .init(apiVersion: version), body: .json(.init(id: saved.id))))
    }

    func addResult(_ input: Operations.AddResult.Input) async throws -> Operations.AddResult.Output {
        let loaded = try await loadCase(input.path.id, .editPersons)
        guard case .json(let body) = input.body else { throw AppError.invalid(detail: "Verwacht JSON.", fields: []) }
        var r = InputReader()
        let command = RecordRouteResult(file: loaded.file, kind: APIValues.law(body.kind), resultDate: r.date("resultDate", body.resultDate), read: r.issues)
        _ = try await perform { try await services.run(command, on: loaded, context: try context) }
        return .noContent(.init(headers: .init(apiVersion: version)))
    }

    func addEnforcementStep(_ input: Operations.AddEnforcementStep.Input) async throws -> Operations.AddEnforcementStep.Output {
        let loaded = try await loadCase(input.path.id, .editPersons)
        guard case .json(let body) = input.body else { throw AppError.invalid(detail: "Verwacht JSON.", fields: []) }
        var r = InputReader()
        let command = RecordEnforcementStep(
            file: loaded.file, overtreding: APIValues.law(body.overtreding), decidedDate: r.date("decidedDate", body.decidedDate), efforts: r.text(body.efforts),
            circumstances: r.text(body.circumstances), culpable: body.culpable, assessedBy: loaded.principal.displayName, read: r.issues)
        let saved = try await perform { try await services.run(command, on: loaded, context: try context) }
        return .created(.init(headers: .init(apiVersion: version), body: .json(.init(
            id: saved.id, overtreding: saved.overtreding, step: APIValues.spec(stored: saved.step) ?? .waarschuwing, amountCents: saved.amountCents,
            decidedDate: saved.decidedDate))))
    }

    func closeCase(_ input: Operations.CloseCase.Input) async throws -> Operations.CloseCase.Output {
        let loaded = try await loadCase(input.path.id, .editPersons)
        guard case .json(let body) = input.body else { throw AppError.invalid(detail: "Verwacht JSON.", fields: []) }
        var r = InputReader()
        let command = CloseCase(file: loaded.file, reason: APIValues.law(body.reason), closeDate: r.date("closeDate", body.closeDate), read: r.issues)
        _ = try await perform { try await services.run(command, on: loaded, context: try context) }
        return .ok(.init(headers: .init(apiVersion: version), body: .json(try await caseBody(try await loadCase(input.path.id, .readPersons)))))
    }

    func assignCases(_ input: Operations.AssignCases.Input) async throws -> Operations.AssignCases.Output {
        let context = try context
        let principal = try context.require(.assignCases)
        guard case .json(let body) = input.body else { throw AppError.invalid(detail: "Verwacht JSON.", fields: []) }
        // The spec's bounds of one request (minItems, maxItems).
        guard (1...500).contains(body.caseIds.count) else {
            throw AppError.invalid(detail: "Geef 1 tot 500 dossiers.", fields: [.init(name: "body.caseIds", message: "1 tot 500 dossiers")])
        }
        let command = AssignCases(caseIds: body.caseIds, consulentId: body.consulentId, organisationId: principal.organisationId, nobody: "niemand", door: "api")
        let count = try await perform {
            do {
                return try await services.run(command, principal: principal, scope: Policy.scope(for: principal), permission: .assignCases, context: context)
            } catch let refused as FormErrors where refused.fields.contains(where: { $0.name == "consulentId" }) {
                throw AppError.invalid(detail: "Onbekende consulent.", fields: [.init(name: "body.consulentId", message: "is geen consulent van uw organisatie")])
            }
        }
        return .ok(.init(headers: .init(apiVersion: version), body: .json(.init(assigned: count))))
    }
}

extension APIHandler {
    func handoverBody(_ record: WarmeOverdrachtRecord?) -> Components.Schemas.Handover {
        let p = record?.profile ?? [:]
        return .init(verblijfsvergunning: p["verblijfsvergunning"], azcLocatie: p["azcLocatie"], coaContact: p["coaContact"], gezin: p["gezin"],
                     opleiding: p["opleiding"], werkervaring: p["werkervaring"], talen: p["talen"], gezondheid: p["gezondheid"],
                     bijzonderheden: p["bijzonderheden"], scenario: APIValues.spec(stored: record?.scenario),
                     meetingPlanned: record?.meetingPlanned, meetingHeld: record?.meetingHeld,
                     attendees: record.map { $0.meetingAttendees.split(separator: ",").compactMap { APIValues.spec(stored: String($0)) } })
    }

    func getHandover(_ input: Operations.GetHandover.Input) async throws -> Operations.GetHandover.Output {
        let loaded = try await loadCase(input.path.id, .readCasework)
        try await services.record(.caseworkHandoverView, context: try context, permission: .readCasework, person: loaded.person, detail: "api")
        let record = try await services.casework.fetchOverdracht(personId: loaded.person.id, scope: loaded.scope)
        return .ok(.init(headers: .init(apiVersion: version), body: .json(handoverBody(record))))
    }

    func saveHandover(_ input: Operations.SaveHandover.Input) async throws -> Operations.SaveHandover.Output {
        let loaded = try await loadCase(input.path.id, .editPersons)
        guard case .json(let body) = input.body else { throw AppError.invalid(detail: "Verwacht JSON.", fields: []) }
        var r = InputReader()
        let profile: [String: String?] = [
            "verblijfsvergunning": body.verblijfsvergunning, "azcLocatie": body.azcLocatie, "coaContact": body.coaContact, "gezin": body.gezin,
            "opleiding": body.opleiding, "werkervaring": body.werkervaring, "talen": body.talen, "gezondheid": body.gezondheid, "bijzonderheden": body.bijzonderheden,
        ]
        let command = SaveHandover(file: loaded.file, profile: profile.compactMapValues { $0 }, scenario: APIValues.law(body.scenario),
                                   meetingPlanned: r.date("meetingPlanned", body.meetingPlanned), meetingHeld: r.date("meetingHeld", body.meetingHeld),
                                   attendees: (body.attendees ?? []).compactMap { APIValues.law($0) }, read: r.issues)
        let saved = try await perform { try await services.run(command, on: loaded, context: try context) }
        return .ok(.init(headers: .init(apiVersion: version), body: .json(handoverBody(saved))))
    }
}

extension APIHandler {
    func taskBody(_ taak: TaakRecord) -> Components.Schemas.Task {
        .init(id: taak.id, title: taak.title, due: taak.dueDate?.iso, assigneeId: taak.assigneeId, source: APIValues.spec(stored: taak.source) ?? .handmatig,
              done: taak.doneAt != nil)
    }

    func listTasks(_ input: Operations.ListTasks.Input) async throws -> Operations.ListTasks.Output {
        let loaded = try await loadCase(input.path.id, .readCasework)
        try await services.record(.personView, context: try context, permission: .readCasework, person: loaded.person, detail: "api: taken")
        let tasks = try await services.casework.listTaken(personId: loaded.person.id, scope: loaded.scope, includeDone: true)
        return .ok(.init(headers: .init(apiVersion: version), body: .json(.init(data: tasks.map(taskBody)))))
    }

    func addTask(_ input: Operations.AddTask.Input) async throws -> Operations.AddTask.Output {
        let loaded = try await loadCase(input.path.id, .editPersons)
        guard case .json(let body) = input.body else { throw AppError.invalid(detail: "Verwacht JSON.", fields: []) }
        var r = InputReader()
        let command = AddTask(file: loaded.file, title: r.text(body.taskTitle), due: r.date("taskDue", body.taskDue), read: r.issues)
        let saved = try await perform { try await services.run(command, on: loaded, context: try context) }
        return .created(.init(headers: .init(apiVersion: version), body: .json(taskBody(saved))))
    }

    func completeTask(_ input: Operations.CompleteTask.Input) async throws -> Operations.CompleteTask.Output {
        let loaded = try await loadCase(input.path.id, .editPersons)
        try await services.run(CompleteTask(file: loaded.file, taskId: input.path.task), on: loaded, context: try context)
        return .noContent(.init(headers: .init(apiVersion: version)))
    }
}

extension APIHandler {
    func documentBody(_ d: DocumentRecord) -> Components.Schemas.Document {
        .init(id: d.id, title: d.title, filename: d.filename, contentType: d.contentType, sizeBytes: d.sizeBytes,
              uploadedAt: Date(timeIntervalSince1970: TimeInterval(d.uploadedAt)))
    }

    func listDocuments(_ input: Operations.ListDocuments.Input) async throws -> Operations.ListDocuments.Output {
        let loaded = try await loadCase(input.path.id, .readCasework)
        try await services.record(.caseworkDocumentsView, context: try context, permission: .readCasework, person: loaded.person, detail: "api")
        let documents = try await services.casework.listDocuments(personId: loaded.person.id, scope: loaded.scope)
        return .ok(.init(headers: .init(apiVersion: version), body: .json(.init(data: documents.map(documentBody)))))
    }

    func addDocument(_ input: Operations.AddDocument.Input) async throws -> Operations.AddDocument.Output {
        let loaded = try await loadCase(input.path.id, .editPersons)
        guard case .json(let body) = input.body else { throw AppError.invalid(detail: "Verwacht JSON.", fields: []) }
        guard TextLength.fits(body.filename, within: 200) else {
            throw AppError.invalid(detail: "filename is te lang.", fields: [.init(name: "body.filename", message: "mag hoogstens 200 tekens lang zijn")])
        }
        // The runtime decodes the base64 (invalid base64 is a 400 before this point).
        let data = Data(body.content.data)
        let r = InputReader()
        let saved = try await perform(renaming: ["content": "file"]) {
            try await services.run(AddDocument(file: loaded.file, title: r.text(body.title), upload: UploadedFile(filename: body.filename, bytes: data, limit: AddDocument.maximumBytes)),
                                   on: loaded, context: try context)
        }
        return .created(.init(headers: .init(apiVersion: version), body: .json(documentBody(saved))))
    }

    func getDocument(_ input: Operations.GetDocument.Input) async throws -> Operations.GetDocument.Output {
        let loaded = try await loadCase(input.path.id, .readCasework)
        guard let (record, data) = try await services.casework.fetchDocument(personId: loaded.person.id, documentId: input.path.document, scope: loaded.scope) else {
            throw AppError.notFound
        }
        try await services.record(.caseworkDocumentDownload, context: try context, permission: .readCasework, person: loaded.person, detail: "api; document: \(record.id)")
        return .ok(.init(headers: .init(apiVersion: version), body: .binary(HTTPBody(data))))
    }
}

extension APIHandler {
    func settingsBody(_ s: MunicipalitySettings) -> Components.Schemas.Settings {
        let w = s.law.dueSoon
        return .init(
            caseloadNorm: s.caseloadNorm,
            dueSoonDays: .init(pipVaststelling: w.pipVaststelling, inburgeringstermijn: w.inburgeringstermijn, schakelVenster: w.schakelVenster,
                               aanbodStart: w.aanbodStart, voortgangsgesprek: w.voortgangsgesprek, ontzorgenEinde: w.ontzorgenEinde,
                               ontzorgenEvaluatie: w.ontzorgenEvaluatie, aowLeeftijd: w.aowLeeftijd, cbsLevering: w.cbsLevering),
            meetingMonthsFirstYear: s.law.voortgang.eersteJaarMaanden, meetingMonthsAfter: s.law.voortgang.daarnaMaanden,
            ladder: s.law.handhaving.ladder.compactMap { step in APIValues.spec(stored: Enforcement.stepKey(step)).map { .init(step: $0, amountEuros: step.bedragCent.map { $0 / 100 }) } },
            suspendFinesForAsylumHolders: s.law.handhaving.boetesAsielstatushoudersOpschorten, intakeTopics: s.intakeTopics.map(\.label),
            letterTexts: .init(intro: s.letterTexts["intro"], obligations: s.letterTexts["obligations"], closing: s.letterTexts["closing"], signer: s.letterTexts["signer"]))
    }

    func settingsMunicipality(_ code: String) throws -> (Principal, RegieRequestContext) {
        let context = try context
        let principal = try context.require(.manageSettings)
        guard principal.municipalities.contains(where: { $0.code == code }) else { throw AppError.notFound }
        return (principal, context)
    }

    func getSettings(_ input: Operations.GetSettings.Input) async throws -> Operations.GetSettings.Output {
        let (_, context) = try settingsMunicipality(input.path.code)
        try await services.record(.settingsView, context: context, permission: .manageSettings, detail: "api: \(input.path.code)")
        return .ok(.init(headers: .init(apiVersion: version), body: .json(settingsBody(try await services.settings.fetch(input.path.code)))))
    }

    /// Replaces the settings through the settings page's own validation (form names mapped from the API's).
    func saveSettings(_ input: Operations.SaveSettings.Input) async throws -> Operations.SaveSettings.Output {
        let (principal, context) = try settingsMunicipality(input.path.code)
        guard case .json(let body) = input.body else { throw AppError.invalid(detail: "Verwacht JSON.", fields: []) }
        let base = try await services.settings.fetch(input.path.code)
        var values = SettingsForm.input(from: base)
        values["caseloadNorm"] = String(body.caseloadNorm)
        let days = body.dueSoonDays
        for (key, value) in [("pipVaststelling", days.pipVaststelling), ("inburgeringstermijn", days.inburgeringstermijn), ("schakelVenster", days.schakelVenster),
                             ("aanbodStart", days.aanbodStart), ("voortgangsgesprek", days.voortgangsgesprek), ("ontzorgenEinde", days.ontzorgenEinde),
                             ("ontzorgenEvaluatie", days.ontzorgenEvaluatie), ("aowLeeftijd", days.aowLeeftijd), ("cbsLevering", days.cbsLevering)] {
            if let value { values["window-\(key)"] = String(value) }
        }
        values["eersteJaar"] = String(body.meetingMonthsFirstYear)
        values["daarna"] = String(body.meetingMonthsAfter)
        for index in 1...3 {
            let step = body.ladder.count >= index ? body.ladder[index - 1] : nil
            values["step\(index)"] = step?.step.rawValue ?? ""
            values["amount\(index)"] = step?.amountEuros.map(String.init) ?? ""
        }
        values["opschorten"] = body.suspendFinesForAsylumHolders ? "ja" : ""
        values["topics"] = body.intakeTopics.joined(separator: "\n")
        for (block, text) in [("intro", body.letterTexts.intro), ("obligations", body.letterTexts.obligations), ("closing", body.letterTexts.closing), ("signer", body.letterTexts.signer)] {
            values["letter-\(block)"] = text ?? ""
        }
        var form = FormData()
        for (name, value) in values { form.values[name] = [value] }
        let (typed, errors) = SettingsForm.validate(form, base: base, catalogue: services.catalogue, locale: context.locale)
        func apiName(_ name: String) -> String {
            if name.hasPrefix("window-") { return "body.dueSoonDays." + name.dropFirst("window-".count) }
            if name.hasPrefix("letter-") { return "body.letterTexts." + name.dropFirst("letter-".count) }
            if name.hasPrefix("step") || name.hasPrefix("amount") { return "body.ladder" }
            return "body." + (["eersteJaar": "meetingMonthsFirstYear", "daarna": "meetingMonthsAfter", "topics": "intakeTopics"][name] ?? name)
        }
        let settings: MunicipalitySettings
        do {
            guard errors.isEmpty else { throw FormErrors(errors) }
            settings = try await services.run(SaveSettings(municipalityCode: input.path.code, settings: typed, door: "api"), principal: principal,
                                              scope: Policy.scope(for: principal), permission: .manageSettings, context: context)
        } catch let refused as FormErrors {
            throw AppError.invalid(detail: refused.fields[0].message, fields: refused.fields.map { .init(name: apiName($0.name), message: $0.message) })
        }
        return .ok(.init(headers: .init(apiVersion: version), body: .json(settingsBody(settings))))
    }
}
