import Foundation
import Hummingbird
import Inburgering
import RegieCasework
import RegieStorage

/// A newcomer's file as far as the platform goes: identity, household, key dates, contact details.
/// Every read and change is audited; a person outside the principal's municipalities is a 404.
struct PersonController {
    let services: AppServices

    func addRoutes(to router: RouterGroup<RegieRequestContext>) {
        router.get(RouterPath(SiteRoute.personPattern), use: show)
        router.get(RouterPath(SiteRoute.personBSNPattern), use: revealBSN)
        router.get(RouterPath(SiteRoute.personContactPattern), use: editContact)
        router.post(RouterPath(SiteRoute.personContactPattern), use: updateContact)
    }

    struct Fact: Encodable { let label: String; let value: String }
    struct Member: Encodable { let href: String; let name: String; let phase: String }
    struct TermRow: Encodable {
        let title: String
        let due: String
        let status: String
        let statusClass: String
        let remaining: String
        let note: String
        let rule: String
        let ruleHref: String
        let source: String
    }

    struct PersonView: Encodable {
        let id: String
        let name: String
        let bsn: String
        let bsnRevealed: Bool
        let revealHref: String
        let vNummer: String
        let facts: [Fact]
        let dates: [Fact]
        let contact: [Fact]
        let members: [Member]
        let hasMembers: Bool
        let terms: [TermRow]
        let hasTerms: Bool
        let phase: String
        let contactHref: String?
        let addressHref: String?
        /// Financieel ontzorgen (R8): for asylum permit holders, to roles that may read it.
        let ontzorgenHref: String?
        let steps: [Step]
        let tasks: [TaskRow]
        let hasTasks: Bool
        let canAddTask: Bool
        let taskSummary: ErrorSummary
        let taskFields: [FieldView]
        let taskAction: String
        let sections: [SectionLink]
        let hasSections: Bool
        let timeline: [TimelineRow]
        let hasTimeline: Bool
        /// What to do next on the case and by when (`NextStepRule`), linking to where it is done.
        let nextStep: NextStepView?
        /// The BRP: where the details came from, a link to the BRP's view, and what it said that
        /// changes what Regie shows and sends (a death, a move, secrecy).
        let brpStatus: String?
        let brpHref: String?
        let brpWarnings: [String]
    }

    struct Step: Encodable { let label: String; let state: String; let current: Bool }

    /// Where each next step is done.
    static func stepHref(_ kind: NextStepKind, personId id: String) -> String {
        switch kind {
        case .vrijstellingAfwachten: SiteRoute.personDUO(id).path
        case .warmeOverdracht: SiteRoute.handover(id).path
        case .bredeIntakePlannen, .bredeIntakeAfronden: SiteRoute.intake(id).path
        case .lbtAfnemen: SiteRoute.lbt(id).path
        case .routeKiezen: SiteRoute.route(id).path
        case .pipVaststellen: SiteRoute.pip(id).path
        case .aanmeldenAanbieder, .voortgangsgesprek: SiteRoute.progress(id).path
        case .ontzorgenEvalueren: SiteRoute.personOntzorgen(id).path
        }
    }

    /// The brede intake's state in the section list: not started, or how many statutory topics are
    /// still to be recorded (R5a).
    static func intakeStatus(_ traject: TrajectRecord?, _ t: Localizer) -> String {
        guard let traject else { return t("person.sections.notStarted") }
        guard traject.intakeConversations > 0 else {
            // An intake date without recorded conversations (an imported case): when it started.
            return traject.intakeDate.map { t("person.sections.intakeSince", ["date": DisplayDate.format($0, t.locale)]) } ?? t("person.sections.notStarted")
        }
        return traject.intakeOpenTopics == 0 ? t("person.sections.intakeComplete")
            : t(traject.intakeOpenTopics == 1 ? "person.sections.intakeOpenOne" : "person.sections.intakeOpen", ["count": String(traject.intakeOpenTopics)])
    }
    struct TaskRow: Encodable { let title: String; let due: String?; let overdue: Bool; let source: String; let doneAction: String?; let editHref: String? }
    struct SectionLink: Encodable { let href: String; let label: String; let detail: String }
    struct NextStepView: Encodable { let label: String; let href: String; let due: String?; let remaining: String?; let cssClass: String }
    struct TimelineRow: Encodable { let date: String; let what: String; let who: String; let when: String }

    /// Loads the person in the principal's scope or answers 404.
    private func load(_ context: RegieRequestContext, permission: Permission) async throws -> (Principal, PersonRecord) {
        let principal = try context.require(permission)
        let id = try context.parameters.require("id")
        guard let person = try await services.persons.fetchPerson(id: id, scope: Policy.scope(for: principal)) else {
            throw AppError.notFound
        }
        return (principal, person)
    }

    func show(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let (principal, person) = try await load(context, permission: .readPersons)
        try await services.record(.personView, context: context, permission: .readPersons, person: person)
        return try await render(person, principal: principal, context: context, revealBSN: false)
    }

    /// Shows the full BSN; the reveal is its own audited read (ui.md "masked until clicked").
    func revealBSN(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let (principal, person) = try await load(context, permission: .readPersons)
        try await services.record(.personBsnReveal, context: context, permission: .readPersons, person: person)
        return try await render(person, principal: principal, context: context, revealBSN: true)
    }

    func render(_ person: PersonRecord, principal: Principal, context: RegieRequestContext, revealBSN: Bool,
                taskInput: FormData = FormData(), taskErrors: [AppError.FieldError] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        let t = services.localizer(context)
        let locale = context.locale
        let scope = Policy.scope(for: principal)
        let traject = try await services.persons.fetchTraject(personId: person.id, scope: scope)
        let members = try await services.persons.listHouseholdMembers(of: person, scope: scope)
        let municipality = principal.municipalities.first { $0.code == person.municipalityCode }?.name ?? person.municipalityCode
        let text = { (key: String) in t(key) }
        let dash = "—"
        let facts = [
            Fact(label: text("person.doelgroep"), value: t("doelgroepen.\(person.doelgroep.rawValue)")),
            // A person opened on a DUO signal has no birth date or gender yet (the BRP's, to be completed).
            Fact(label: text("person.dateOfBirth"), value: person.dateOfBirth.map { DisplayDate.format($0, locale) } ?? dash),
            Fact(label: text("person.gender"), value: person.detailsPending ? dash : t("genders.\(person.gender.rawValue)")),
            Fact(label: text("person.municipality"), value: municipality),
        ] + Self.rights(person, settings: try await services.settings.fetch(person.municipalityCode).law, t)
        var dates = [
            ("person.kennisgeving", traject?.kennisgevingDate), ("person.koppeling", traject?.koppelingDate),
            ("person.housing", traject?.housingDate), ("person.brp", traject?.brpDate), ("person.intake", traject?.intakeDate),
            ("person.pip", traject?.pipDate), ("person.routeStart", traject?.routeStartDate), ("person.closed", traject?.closedDate),
        ].map { Fact(label: text($0.0), value: $0.1.map { DisplayDate.format($0, locale) } ?? dash) }
        if let reason = traject?.pipDelayReason {
            // R1: why the first PIP came after its 10 weeks, as recorded when it was fixed.
            dates.append(Fact(label: text("person.pipDelay"), value: t("pip.delayReasons.\(reason.rawValue)") + (traject?.pipDelayNote.map { ": \($0)" } ?? "")))
        }
        if let reason = traject?.closedReason {
            dates.append(Fact(label: text("person.closedReason"), value: t("closeReasons.\(reason.rawValue)")))
        }
        // The running terms come from the law module's statutory clock, never from this handler.
        let today = CalendarDate.today(now: services.clock.now())
        let settings = try await services.settings.fetch(person.municipalityCode)
        let lawFacts = traject?.lawFacts(person: person)
        let terms = lawFacts.map { StatutoryClock.terms(for: $0, settings: settings.law, on: today) } ?? []
        let termRows = TermText.shown(terms).map { term in
            TermRow(title: t("terms.\(term.kind.rawValue)"), due: DisplayDate.format(term.due.iso, locale),
                    status: TermText.status(term, t), statusClass: TermText.statusClass(term),
                    remaining: TermText.remaining(term, t), note: TermText.note(term, facts: lawFacts, t),
                    rule: term.rule.rawValue,
                    ruleHref: SiteRoute.rules.path + "#" + term.rule.rawValue, source: term.source)
        }
        let contact = [
            Fact(label: text("person.language"), value: person.language.isEmpty ? dash : person.language),
            Fact(label: text("person.interpreter"), value: person.interpreterNeeded
                 ? [text("common.yes"), person.interpreterLanguage].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", ") : text("common.no")),
            Fact(label: text("person.phone"), value: person.phone ?? dash),
            Fact(label: text("person.email"), value: person.email ?? dash),
        ]
        let addresses = try await services.persons.currentAddresses(personId: person.id, scope: scope)
        let addressFacts = AddressKind.allCases.map { kind in
            Fact(label: t("address.kinds.\(kind.rawValue)"),
                 value: addresses[kind]?.singleLine ?? (kind == .post && addresses[.woon] != nil ? text("address.sameAsWoon") : dash))
        }
        // The phase stepper (ui.md): the chain up to the end; a closed case shows how it ended.
        let current = traject?.phase ?? .signaal
        let steps = TrajectFase.allCases.filter { $0 != .beeindigd || current == .beeindigd }.filter { $0 != .afgerond || current != .beeindigd }.map { phase in
            Step(label: t("phases.\(phase.rawValue)"), state: phase < current ? "done" : (phase == current ? "current" : "todo"), current: phase == current)
        }
        let step = lawFacts.flatMap { facts in traject.flatMap { NextStepRule.next(facts: facts, progress: $0.progress, terms: terms, settings: settings.law) } }
        var sections: [SectionLink] = []
        var timeline: [TimelineRow] = []
        var tasks: [TaskRow] = []
        if Policy.allows(principal, .readCasework) {
            sections = []
            let counts = try await services.casework.sectionCounts(personId: person.id, scope: scope)
            let count = { (n: Int, key: String) in n == 0 ? text("person.sections.none") : t(n == 1 ? key + "One" : key, ["count": String(n)]) }
            if person.doelgroep.categorie == .asielstatushouder {
                sections.append(SectionLink(href: SiteRoute.handover(person.id).path, label: text("person.sections.handover"),
                                            detail: traject?.handoverHeld == true ? text("person.sections.handoverHeld")
                                                : traject?.koppelingDate.map { t("person.sections.linkedOn", ["date": DisplayDate.format($0, locale)]) } ?? ""))
            }
            sections.insert(SectionLink(href: SiteRoute.personDetails(person.id).path, label: text("person.sections.details"),
                                        detail: person.detailsPending ? text("person.sections.detailsPending") : ""), at: 0)
            sections += [
                SectionLink(href: SiteRoute.afspraken(person.id).path, label: text("person.sections.afspraken"),
                            detail: try await services.casework.nextAfspraak(personId: person.id, scope: scope, now: services.clock.now()).map {
                                t("person.sections.afsprakenNext", ["date": AgendaController.when($0, t)])
                            } ?? ""),
                SectionLink(href: SiteRoute.intake(person.id).path, label: text("person.sections.intake"), detail: Self.intakeStatus(traject, t)),
                SectionLink(href: SiteRoute.lbt(person.id).path, label: text("person.sections.lbt"),
                            detail: text(traject?.lbtDone == true ? "person.sections.lbtDone" : "person.sections.lbtOpen")),
                SectionLink(href: SiteRoute.route(person.id).path, label: text("person.sections.route"),
                            detail: traject?.leerroute.map { t("routes.\($0.rawValue)") } ?? text("person.sections.routeOpen")),
                SectionLink(href: SiteRoute.derden(person.id).path, label: text("person.sections.derden"),
                            detail: count(counts.openRequests, "person.sections.openRequests")),
                SectionLink(href: SiteRoute.pip(person.id).path, label: text("person.sections.pip"),
                            detail: traject?.pipDate.map { t("person.sections.pipSince", ["date": DisplayDate.format($0, locale)]) } ?? text("person.sections.noPIP")),
                SectionLink(href: SiteRoute.referrals(person.id).path, label: text("person.sections.referrals"),
                            detail: count(counts.openReferrals, "person.sections.openReferrals")),
                SectionLink(href: SiteRoute.progress(person.id).path, label: text("person.sections.progress"),
                            detail: traject?.routeStartDate.map { t("person.sections.routeSince", ["date": DisplayDate.format($0, locale)]) } ?? text("person.sections.routeNotStarted")),
                SectionLink(href: SiteRoute.enforcement(person.id).path, label: text("person.sections.enforcement"),
                            detail: count(counts.enforcementSteps, "person.sections.enforcementSteps")),
                SectionLink(href: SiteRoute.documents(person.id).path, label: text("person.sections.documents"),
                            detail: count(counts.documents, "person.sections.documentCount")),
                SectionLink(href: SiteRoute.sentLetters(person.id).path, label: text("person.sections.letters"),
                            detail: count(counts.sentLetters, "person.sections.letterCount")),
                SectionLink(href: SiteRoute.personDUO(person.id).path, label: text("person.sections.duo"), detail: ""),
            ]
            if Policy.allows(principal, .editPersons) && traject?.closedDate == nil {
                sections.append(SectionLink(href: SiteRoute.close(person.id).path, label: text("person.sections.close"), detail: ""))
            }
            let canEdit = Policy.allows(principal, .editPersons)
            tasks = try await services.casework.listTaken(personId: person.id, scope: scope).map { taak in
                let overdue = taak.dueDate.map { $0 < today } ?? false
                return TaskRow(title: taak.title, due: taak.dueDate.map { DisplayDate.format($0, locale) },
                               overdue: overdue, source: t("tasks.sources.\(taak.source)"),
                               doneAction: canEdit ? SiteRoute.taskDone(person.id, taak.id).path : nil,
                               editHref: canEdit ? SiteRoute.task(person.id, taak.id).path : nil)
            }
            timeline = try await services.casework.listEvents(personId: person.id, scope: scope, limit: 50).map { event in
                TimelineRow(date: DisplayDate.format(event.eventDate, locale),
                            what: t("events.\(event.kind)", ["detail": Self.eventDetail(event, t)]),
                            who: event.actorName, when: DisplayDate.formatMoment(Date(timeIntervalSince1970: TimeInterval(event.occurredAt))))
            }
        }
        let brpFlags = try await services.brp.flags(personId: person.id)
        let brpRecord = try await services.brp.record(personId: person.id, scope: scope)
        let brpStatus: String? = brpRecord.map { record in
            t(brpFlags.detailsFromBRP ? "brp.statusApplied" : "brp.statusFetched", ["date": DisplayDate.format(CalendarDate.today(now: record.fetchedAt), locale)])
        } ?? (services.brpClient != nil ? text("brp.statusNone") : nil)
        let view = PersonView(
            id: person.id, name: person.displayName(services.localizer(context)),
            bsn: revealBSN ? (person.bsn ?? dash) : Self.mask(person.bsn), bsnRevealed: revealBSN,
            revealHref: SiteRoute.personBSN(person.id).path, vNummer: person.vNummer ?? dash,
            facts: facts, dates: dates, contact: contact + addressFacts,
            members: members.map { Member(href: SiteRoute.person($0.id).path, name: "\($0.givenNames) \($0.familyName)", phase: $0.phase.map { t("phases.\($0.rawValue)") } ?? dash) },
            hasMembers: !members.isEmpty,
            terms: termRows, hasTerms: !termRows.isEmpty,
            phase: traject.map { t("phases.\($0.phase.rawValue)") } ?? dash,
            contactHref: Policy.allows(principal, .editPersons) ? SiteRoute.personContact(person.id).path : nil,
            addressHref: Policy.allows(principal, .editPersons) ? SiteRoute.personAddress(person.id).path : nil,
            ontzorgenHref: Policy.allows(principal, .readOntzorgen)
                && DoelgroepRechten.voor(person.doelgroep.categorie).financieelOntzorgenBijBijstand
                ? SiteRoute.personOntzorgen(person.id).path : nil,
            steps: steps, tasks: tasks, hasTasks: !tasks.isEmpty,
            canAddTask: Policy.allows(principal, .editPersons) && traject?.closedDate == nil, taskSummary: ErrorSummary(taskErrors),
            taskFields: [
                FieldView(.input("text"), name: "taskTitle", label: text("tasks.title"), value: taskInput.raw("taskTitle") ?? "", required: true, errors: taskErrors),
                FieldView(.input("date"), name: "taskDue", label: text("tasks.due"), value: taskInput.raw("taskDue") ?? "", errors: taskErrors),
            ],
            taskAction: SiteRoute.tasks(person.id).path, sections: sections, hasSections: !sections.isEmpty, timeline: timeline, hasTimeline: !timeline.isEmpty,
            nextStep: Policy.allows(principal, .readCasework) ? step.map { step in
                NextStepView(label: t("nextSteps.\(step.kind.rawValue)"), href: Self.stepHref(step.kind, personId: person.id),
                             due: step.due.map { t("person.nextStepBy", ["date": DisplayDate.format($0, locale)]) },
                             remaining: step.due.map { due in
                                 let days = today.days(until: due)
                                 return days < 0 ? t(days == -1 ? "person.termOverdueOne" : "person.termOverdue", ["days": String(-days)])
                                     : t(days == 1 ? "person.termDaysLeftOne" : "person.termDaysLeft", ["days": String(days)])
                             },
                             cssClass: "term--\(step.status.rawValue)")
            } : nil,
            brpStatus: brpStatus, brpHref: brpStatus == nil ? nil : SiteRoute.personBRP(person.id).path,
            brpWarnings: BRPController.warnings(brpFlags, t, locale))
        let notices = ["contact": "person.contactSaved", "adres": "address.saved", "geregistreerd": "person.registered", "pip": "person.pipFixed", "afgesloten": "person.closedNotice",
                       "taak": "tasks.saved", "taakAfgerond": "tasks.done", "taakGewijzigd": "tasks.changed", "taakIngetrokken": "tasks.withdrawn",
                       "gegevens": "details.saved"]
        return try services.views.render(
            "person", titleKey: "person.title", titleArguments: ["name": view.name], content: view,
            context: context, notice: context.form["melding"].flatMap { notices[$0] }.map { t($0) }, status: status)
    }

    /// R0: the rights the law gives the person by target group, as the law module decides them.
    static func rights(_ person: PersonRecord, settings: MunicipalityLawSettings, _ t: Localizer) -> [Fact] {
        let r = DoelgroepRechten.voor(person.doelgroep.categorie, settings: settings)
        let yesNo = { (value: Bool) in t(value ? "common.yes" : "common.no") }
        return [
            Fact(label: t("person.rights.inburgeringsaanbod"), value: yesNo(r.inburgeringsaanbodDoorGemeente)),
            Fact(label: t("person.rights.maatschappelijkeBegeleiding"), value: yesNo(r.maatschappelijkeBegeleiding)),
            Fact(label: t("person.rights.ontzorgen"), value: yesNo(r.financieelOntzorgenBijBijstand)),
            Fact(label: t("person.rights.participatieuren"),
                 value: r.zRouteParticipatieuren.map { t("person.rights.hours", ["hours": String($0)]) } ?? t("person.rights.none")),
        ]
    }

    /// The factual detail of a timeline line, translated where it is a code (a route, a topic).
    static func eventDetail(_ event: CaseEventRecord, _ t: Localizer) -> String {
        switch event.kind {
        case "route.besluit", "advies": return t("routes.\(event.detail)")
        case "overdracht.gepland": return DisplayDate.format(event.detail, t.locale)
        case "intake.onderwerp":
            // "topic" or, for a correction, "topic: reason".
            let parts = event.detail.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            let topic = parts[0].hasPrefix("gm-") ? parts[0].dropFirst(3).replacingOccurrences(of: "-", with: " ") : t("intake.topics.\(parts[0])")
            return parts.count == 2 ? "\(topic): \(parts[1])" : topic
        case "registratieIngetrokken", "registratieGecorrigeerd":
            // "kind [day] [label]: reason".
            let parts = event.detail.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            var words = parts[0].split(separator: " ").map(String.init)
            guard let kind = words.first.flatMap(WithdrawableRecord.init(rawValue:)) else { return event.detail }
            words[0] = t("withdraw.kinds.\(kind.rawValue)")
            if words.count > 1, CalendarDate(iso: words[1]) != nil { words[1] = DisplayDate.format(words[1], t.locale) }
            return words.joined(separator: " ") + (parts.count == 2 ? ": \(parts[1])" : "")
        case "voortgang.gesprek": return t("progress.outcomes.\(event.detail)")
        case "afspraak.gepland", "afspraak.verplaatst", "afspraak.gehouden", "afspraak.nietVerschenen", "afspraak.geannuleerd":
            // "intakegesprek 2026-12-10T09:30" (the kind and the local moment).
            let parts = event.detail.split(separator: " ")
            guard parts.count == 2, let moment = LocalDateTime(iso: String(parts[1])) else { return event.detail }
            return t("agenda.kinds.\(parts[0])") + ", " + DisplayDate.format(moment.date, t.locale) + " " + moment.time
        case "afgesloten": return t("closeReasons.\(event.detail)")
        case "ontzorgen.besluit", "ontzorgen.besluitGewijzigd":
            return event.detail.isEmpty ? t("ontzorgen.decidedNo") : t("ontzorgen.decidedUntil", ["date": DisplayDate.format(event.detail, t.locale)])
        case "ontzorgen.verlengd": return DisplayDate.format(event.detail, t.locale)
        case "ontzorgen.evaluatie": return t("ontzorgen.outcomes.\(event.detail)")
        case "ontzorgen.beeindigd": return t("ontzorgen.closeReasons.\(event.detail)")
        case "adres.woon", "adres.post":
            let parts = event.detail.components(separatedBy: " → ")
            return t("address.changeDetail", ["old": parts.first ?? "—", "new": parts.count > 1 ? parts[1] : "—"])
        case "pip.schakelen": return event.detail.split(separator: ">").map { t("routes.\($0)") }.joined(separator: " → ")
        default: return event.detail
        }
    }

    /// The BSN masked as the law module masks it (only the last four digits shown).
    static func mask(_ bsn: String?) -> String {
        guard let bsn, let value = try? BSN(bsn) else { return bsn == nil ? "—" : "*********" }
        return value.masked
    }

    // MARK: Contact details

    struct ContactForm: Encodable {
        let phone: String
        let email: String
        let language: String
        let interpreterNeeded: Bool
        let interpreterLanguage: String
        let errors: [FieldMessage]
        let hasErrors: Bool
        let phoneError: String?
        let emailError: String?
        let languageError: String?
        let interpreterLanguageError: String?
        let action: String
        let backHref: String
        let name: String
    }

    struct FieldMessage: Encodable { let field: String; let message: String }

    func editContact(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let (_, person) = try await load(context, permission: .editPersons)
        try await services.record(.personContactView, context: context, permission: .editPersons, person: person)
        return try renderForm(person, phone: person.phone ?? "", email: person.email ?? "", language: person.language,
                              interpreter: person.interpreterNeeded, interpreterLanguage: person.interpreterLanguage ?? "", errors: [], context: context, status: .ok)
    }

    private func renderForm(_ person: PersonRecord, phone: String, email: String, language: String, interpreter: Bool, interpreterLanguage: String,
                            errors: [AppError.FieldError], context: RegieRequestContext, status: HTTPResponse.Status) throws -> Response {
        let message = { (name: String) in errors.first { $0.name == name }?.message }
        return try services.views.render(
            "person-contact", titleKey: "contact.title", titleArguments: ["name": person.displayName(services.localizer(context))],
            content: ContactForm(phone: phone, email: email, language: language, interpreterNeeded: interpreter, interpreterLanguage: interpreterLanguage,
                                 errors: errors.map { FieldMessage(field: $0.name, message: $0.message) }, hasErrors: !errors.isEmpty,
                                 phoneError: message("phone"), emailError: message("email"), languageError: message("language"),
                                 interpreterLanguageError: message("interpreterLanguage"),
                                 action: SiteRoute.personContact(person.id).path, backHref: SiteRoute.person(person.id).path, name: person.displayName(services.localizer(context))),
            context: context, status: status)
    }

    func updateContact(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let (principal, person) = try await load(context, permission: .editPersons)
        let form = context.form
        let command = UpdateContact(person: person, phone: form["phone"], email: form["email"], language: form["language"],
                                    interpreterNeeded: form["interpreter"] == "ja", interpreterLanguage: form["interpreterLanguage"])
        do {
            _ = try await services.run(command, principal: principal, scope: Policy.scope(for: principal), permission: .editPersons, context: context)
        } catch let refused as FormErrors {
            return try renderForm(person, phone: form["phone"] ?? "", email: form["email"] ?? "", language: form["language"] ?? "",
                                  interpreter: command.interpreterNeeded, interpreterLanguage: form["interpreterLanguage"] ?? "",
                                  errors: refused.fields, context: context, status: refused.status)
        }
        return Response(status: .seeOther, headers: [.location: SiteRoute.person(person.id).path + "?melding=contact"])
    }
}
