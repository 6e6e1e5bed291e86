import Foundation
import Hummingbird
import Inburgering
import RegieCasework
import RegieStorage

/// The PIP (Wi2021 art. 15): a concept that starts no term, fixed as a beschikking with its
/// dagtekening (the first one starts the inburgeringstermijn, R2), later versions with a reason,
/// every version kept, and the decision letter.
struct PIPController {
    let services: AppServices
    var loader: CaseLoader { CaseLoader(services: services) }

    func addRoutes(to router: RouterGroup<RegieRequestContext>) {
        router.get(RouterPath(SiteRoute.pipPattern), use: show)
        router.post(RouterPath(SiteRoute.pipPattern), use: saveConcept)
        router.get(RouterPath(SiteRoute.pipFixPattern), use: confirmFix)
        router.post(RouterPath(SiteRoute.pipFixPattern), use: fix)
        router.get(RouterPath(SiteRoute.pipLetterPattern), use: letter)
    }

    struct VersionRow: Encodable {
        let version: Int; let status: String; let isConcept: Bool; let date: String; let route: String; let reason: String; let letterHref: String
        /// A fixed version's beschikking can be marked as sent (and is then kept as it was).
        let canSend: Bool
        /// The version's message to DUO: waiting, sent, refused or stopped (nil for a concept).
        let duoStatus: String?; let duoStatusKey: String?; let duoHref: String
    }

    struct PIPView: Encodable {
        let name: String
        let backHref: String
        let versions: [VersionRow]
        let hasVersions: Bool
        let hasConcept: Bool
        let conceptVersion: Int
        let isFirst: Bool
        let summary: ErrorSummary
        let fields: [FieldView]
        let action: String
        let fixHref: String
        let termNotice: String
        let sendAction: String
        let sent: [SentRow]
        let hasSent: Bool
    }

    struct SentRow: Encodable { let date: String; let subject: String; let reference: String; let href: String; let who: String }

    struct Case {
        let loaded: CaseLoader.Loaded
        let versions: [PIPRecord]
        var pips: PIPVersions { PIPVersions(file: loaded.file, versions: versions) }
        var concept: PIPRecord? { versions.first { !$0.isFixed } }
        var fixed: [PIPRecord] { versions.filter(\.isFixed) }
    }

    func loadCase(_ context: RegieRequestContext, permission: Permission) async throws -> Case {
        let loaded = try await loader.load(context, permission: permission)
        return Case(loaded: loaded, versions: try await services.casework.listPIPs(personId: loaded.person.id, scope: loaded.scope))
    }

    func show(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let c = try await loadCase(context, permission: .readCasework)
        try await services.record(.caseworkPipView, context: context, permission: .readCasework, person: c.loaded.person)
        return try await render(c, input: nil, errors: [], context: context, status: .ok)
    }

    /// The form's starting values: the concept as saved, else the last fixed version, else the
    /// route decision.
    func initialInput(_ c: Case) async throws -> [String: String] {
        if let base = c.concept ?? c.fixed.last {
            var values: [String: String] = [
                "leerroute": base.leerroute.rawValue, "niveau": base.niveau?.rawValue ?? "", "begeleiding": base.begeleiding, "ondersteuning": base.ondersteuning,
                "pvt": base.pvt, "pvtUren": base.pvtUren.map(String.init) ?? "", "map": base.map, "mapUren": base.mapUren.map(String.init) ?? "",
                "vve": base.vve.text ?? "", "vveNvt": base.vve == .notApplicable ? "ja" : "",
                "voortgangsgesprekken": base.voortgangsgesprekken.map(String.init) ?? "", "cadansMaanden": base.cadansMaanden.map(String.init) ?? "",
                "einddoel": base.einddoel?.rawValue ?? "", "redenAfwijking": base.redenAfwijking ?? "", "intensiteitB1": base.intensiteitB1.map(String.init) ?? "",
            ]
            if c.concept != nil { values["changeReason"] = base.changeReason?.rawValue ?? ""; values["changeNote"] = base.changeNote ?? "" }
            return values
        }
        let decision = try await services.casework.listRouteBesluiten(personId: c.loaded.person.id, scope: c.loaded.scope).last
        return ["leerroute": decision?.leerroute ?? "", "niveau": decision?.niveau ?? "", "redenAfwijking": decision?.deviationReason ?? "",
                "cadansMaanden": String(MunicipalityLawSettings.standaard.voortgang.eersteJaarMaanden)]
    }

    private func render(_ c: Case, input: FormData?, errors: [AppError.FieldError], context: RegieRequestContext, status: HTTPResponse.Status) async throws -> Response {
        let t = services.localizer(context)
        let l = context.locale
        let person = c.loaded.person
        let initial = input == nil ? try await initialInput(c) : [:]
        let value = { (name: String) in input?.raw(name) ?? initial[name] ?? "" }
        let isFirst = c.fixed.isEmpty
        var fields: [FieldView] = []
        if !isFirst {
            fields += [
                FieldView(.select, name: "changeReason", label: t("pip.changeReason"), value: value("changeReason"),
                          options: Choices.withEmpty(PIPWijzigingsreden.allCases.map { ($0.rawValue, t("pip.changeReasons.\($0.rawValue)")) }, t), required: true, errors: errors),
                FieldView(.textarea, name: "changeNote", label: t("pip.changeNote"), value: value("changeNote"), required: true, errors: errors),
            ]
        }
        fields += [
            FieldView(.radios, name: "leerroute", label: t("route.leerroute"), value: value("leerroute"), options: Choices.routes(t), required: true, errors: errors),
            FieldView(.select, name: "niveau", label: t("route.level"), hint: t("pip.levelHint"), value: value("niveau"),
                      options: Choices.withEmpty(Choices.levels([.a2, .b1]), t), errors: errors),
            FieldView(.textarea, name: "redenAfwijking", label: t("pip.redenAfwijking"), hint: t("pip.redenAfwijkingHint"), value: value("redenAfwijking"), errors: errors),
            FieldView(.select, name: "einddoel", label: t("pip.einddoel"), value: value("einddoel"),
                      options: Choices.withEmpty(Einddoel.allCases.map { ($0.rawValue, t("pip.einddoelen.\($0.rawValue)")) }, t), errors: errors),
            FieldView(.textarea, name: "begeleiding", label: t("pip.begeleiding"), value: value("begeleiding"), errors: errors),
            FieldView(.textarea, name: "ondersteuning", label: t("pip.ondersteuning"), value: value("ondersteuning"), errors: errors),
            FieldView(.textarea, name: "pvt", label: t("pip.pvt"), value: value("pvt"), errors: errors),
            FieldView(.input("number"), name: "pvtUren", label: t("pip.pvtUren"), hint: t("pip.pvtUrenHint"), value: value("pvtUren"), errors: errors, extra: "min=\"0\" max=\"999\""),
            FieldView(.textarea, name: "map", label: t("pip.map"), hint: t("pip.mapHint"), value: value("map"), errors: errors),
            FieldView(.input("number"), name: "mapUren", label: t("pip.mapUren"), hint: t("pip.mapUrenHint"), value: value("mapUren"), errors: errors, extra: "min=\"0\" max=\"999\""),
            FieldView(.checkbox, name: "vveNvt", label: t("pip.vveNvt"), value: value("vveNvt"), errors: errors),
            FieldView(.textarea, name: "vve", label: t("pip.vve"), value: value("vve"), errors: errors),
            FieldView(.input("number"), name: "voortgangsgesprekken", label: t("pip.voortgangsgesprekken"), value: value("voortgangsgesprekken"), errors: errors, extra: "min=\"0\" max=\"36\""),
            FieldView(.input("number"), name: "cadansMaanden", label: t("pip.cadansMaanden"), hint: t("pip.cadansHint"), value: value("cadansMaanden"), errors: errors, extra: "min=\"1\" max=\"12\""),
            FieldView(.input("number"), name: "intensiteitB1", label: t("pip.intensiteitB1"), hint: t("pip.intensiteitHint"), value: value("intensiteitB1"), errors: errors, extra: "min=\"1\" max=\"9999\""),
        ]
        let messages = try await services.duoStore.listOutbox(scope: c.loaded.scope, personId: person.id).filter { $0.kind == "pip" }
        let versions = c.versions.reversed().map { v in
            let message = messages.first { $0.sourceId == v.id }
            return VersionRow(version: v.version, status: t(v.isFixed ? "pip.fixed" : "pip.concept"), isConcept: !v.isFixed,
                              date: v.dagtekening.map { DisplayDate.format($0.iso, l) } ?? "—",
                              route: t("routes.\(v.leerroute.rawValue)") + (v.niveau.map { " (\($0.rawValue))" } ?? ""),
                              reason: v.changeReason.map { t("pip.changeReasons.\($0.rawValue)") } ?? (v.version == 1 ? t("pip.initial") : ""),
                              letterHref: SiteRoute.pipLetter(person.id, version: String(v.version)).path,
                              canSend: v.isFixed && Policy.allows(c.loaded.principal, .editPersons),
                              duoStatus: message.map { t("duo.outboxStatus.\($0.status)") }, duoStatusKey: message?.status,
                              duoHref: SiteRoute.personDUO(person.id).path)
        }
        let termNotice = isFirst ? t("pip.conceptStartsNoTerm") : t("pip.laterVersionNoTermChange")
        let sent = try await services.letters.list(personId: person.id, scope: c.loaded.scope).map {
            SentRow(date: DisplayDate.format($0.sentDate, l), subject: $0.subject, reference: $0.reference,
                    href: SiteRoute.sentLetter(person.id, $0.id).path, who: $0.recordedBy)
        }
        return try services.views.render(
            "pip", titleKey: "pip.title", titleArguments: ["name": person.displayName(services.localizer(context))],
            content: PIPView(name: person.displayName(services.localizer(context)), backHref: SiteRoute.person(person.id).path, versions: versions, hasVersions: !versions.isEmpty,
                             hasConcept: c.concept != nil, conceptVersion: c.concept?.version ?? (c.versions.count + 1), isFirst: isFirst,
                             summary: ErrorSummary(errors), fields: fields, action: SiteRoute.pip(person.id).path,
                             fixHref: SiteRoute.pipFix(person.id).path, termNotice: termNotice,
                             sendAction: SiteRoute.sentLetters(person.id).path, sent: sent, hasSent: !sent.isEmpty),
            context: context, notice: FormNotice.text(context, prefix: "pip.saved", keys: ["concept", "route", "verzonden"], t), status: status)
    }

    /// The form's values as the concept command reads them.
    static func concept(_ c: Case, _ input: FormData) -> SavePIPConcept {
        var r = InputReader()
        let number = { (name: String, range: ClosedRange<Int>) in r.integer(name, input[name], range: range) }
        return SavePIPConcept(
            pips: c.pips, changeReason: r.choice("changeReason", input["changeReason"], as: PIPWijzigingsreden.self), changeNote: input["changeNote"],
            leerroute: r.choice("leerroute", input["leerroute"], as: Leerroute.self), niveau: r.choice("niveau", input["niveau"], as: Taalniveau.self),
            begeleiding: input["begeleiding"], ondersteuning: input["ondersteuning"], pvt: input["pvt"], pvtUren: number("pvtUren", SavePIPConcept.hoursRange),
            map: input["map"], mapUren: number("mapUren", SavePIPConcept.hoursRange), vveNietVanToepassing: r.flag(input["vveNvt"]), vve: input["vve"],
            voortgangsgesprekken: number("voortgangsgesprekken", SavePIPConcept.meetingsRange), cadansMaanden: number("cadansMaanden", SavePIPConcept.cadenceRange),
            einddoel: r.choice("einddoel", input["einddoel"], as: Einddoel.self), redenAfwijking: input["redenAfwijking"],
            intensiteitB1: number("intensiteitB1", PIPValidator.intensiteitBereik), read: r.issues)
    }

    func saveConcept(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let c = try await loadCase(context, permission: .editPersons)
        do {
            _ = try await recordConcept(c, context.form, context: context)
        } catch let invalid as FormErrors {
            return try await render(c, input: context.form, errors: invalid.fields, context: context, status: invalid.status)
        }
        return Response(status: .seeOther, headers: [.location: SiteRoute.pip(c.loaded.person.id).path + "?melding=concept"])
    }

    /// Stores the concept from the form (creating the next version or updating the open one); throws `FormErrors`.
    func recordConcept(_ c: Case, _ input: FormData, context: RegieRequestContext) async throws -> PIPRecord {
        try await services.run(Self.concept(c, input), on: c.loaded, context: context)
    }

    // MARK: Fixing the PIP

    struct FixView: Encodable {
        let name: String
        let backHref: String
        let version: Int
        let route: String
        let consequence: String
        let problems: [Problem]
        let hasProblems: Bool
        let summary: ErrorSummary
        let fields: [FieldView]
        let action: String
        let letterHref: String
    }
    struct Problem: Encodable { let rule: String; let ruleHref: String; let message: String }

    /// What stops fixing the concept on `dagtekening`, as the fix page lists it.
    func problems(_ c: Case, concept: PIPRecord, dagtekening: CalendarDate, locale: UILocale) async throws -> [Problem] {
        try await c.pips.problems(concept: concept, dagtekening: dagtekening, scope: c.loaded.scope, stores: services.stores).map {
            Problem(rule: $0.code, ruleHref: SiteRoute.rules.path + "#" + $0.rule.rawValue, message: LawText.problem($0, Localizer(catalogue: services.catalogue, locale: locale)))
        }
    }

    func consequence(_ c: Case, dagtekening: CalendarDate, locale: UILocale) -> String {
        let t = Localizer(catalogue: services.catalogue, locale: locale)
        guard c.fixed.isEmpty else { return t("pip.fixLaterVersion") }
        let term = InburgeringstermijnRule.basis(eerstePIPDagtekening: dagtekening)
        return t("pip.fixStartsTerm", ["start": DisplayDate.format(term.start.iso, locale), "end": DisplayDate.format(term.end.iso, locale)])
    }

    /// The reason a first PIP came after its 10 weeks (R1), with an explanation when it is "another reason".
    func delayFields(_ c: Case, dagtekening: CalendarDate, input: FormData, errors: [AppError.FieldError], locale l: UILocale) -> [FieldView] {
        guard let deadline = c.pips.lateDeadline(dagtekening: dagtekening) else { return [] }
        let t = Localizer(catalogue: services.catalogue, locale: l)
        return [
            FieldView(.select, name: "delayReason", label: t("pip.delayReason"),
                      hint: t("pip.delayReasonHint", ["date": DisplayDate.format(deadline.iso, l)]), value: input["delayReason"] ?? "",
                      options: Choices.withEmpty(PIPDelayReason.allCases.map { ($0.rawValue, t("pip.delayReasons.\($0.rawValue)")) }, t),
                      required: true, errors: errors),
            FieldView(.input("text"), name: "delayNote", label: t("pip.delayNote"), hint: t("pip.delayNoteHint"),
                      value: input.raw("delayNote") ?? "", errors: errors),
        ]
    }

    func confirmFix(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let c = try await loadCase(context, permission: .editPersons)
        guard let concept = c.concept else { return Response(status: .seeOther, headers: [.location: SiteRoute.pip(c.loaded.person.id).path]) }
        let day = context.form.date("dagtekening") ?? loader.today
        return try await renderFix(c, concept: concept, dagtekening: day, typed: day.iso, errors: [], context: context, status: .ok)
    }

    private func renderFix(_ c: Case, concept: PIPRecord, dagtekening: CalendarDate, typed: String, errors: [AppError.FieldError],
                           context: RegieRequestContext, status: HTTPResponse.Status) async throws -> Response {
        let t = services.localizer(context)
        let l = context.locale
        let problems = try await problems(c, concept: concept, dagtekening: dagtekening, locale: l)
        return try services.views.render(
            "pip-fix", titleKey: "pip.fixTitle", titleArguments: ["name": c.loaded.person.displayName(services.localizer(context))],
            content: FixView(
                name: c.loaded.person.displayName(services.localizer(context)), backHref: SiteRoute.pip(c.loaded.person.id).path, version: concept.version,
                route: t("routes.\(concept.leerroute.rawValue)") + (concept.niveau.map { " (\($0.rawValue))" } ?? ""),
                consequence: consequence(c, dagtekening: dagtekening, locale: l), problems: problems, hasProblems: !problems.isEmpty,
                summary: ErrorSummary(errors),
                fields: [FieldView(.input("date"), name: "dagtekening", label: t("pip.dagtekening"), hint: t("pip.dagtekeningHint"),
                                   value: typed, required: true, errors: errors)]
                    + delayFields(c, dagtekening: dagtekening, input: context.form, errors: errors, locale: l),
                action: SiteRoute.pipFix(c.loaded.person.id).path, letterHref: SiteRoute.pipLetter(c.loaded.person.id, version: String(concept.version)).path),
            context: context, status: status)
    }

    func fix(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let c = try await loadCase(context, permission: .editPersons)
        guard let concept = c.concept else { return Response(status: .seeOther, headers: [.location: SiteRoute.pip(c.loaded.person.id).path]) }
        // "Gevolgen tonen": the term, the lateness and the checks for the date typed, without fixing anything.
        if context.form["controleer"] != nil {
            let typed = context.form.raw("dagtekening") ?? ""
            let day = context.form.date("dagtekening").flatMap { $0 <= loader.today ? $0 : nil } ?? loader.today
            return try await renderFix(c, concept: concept, dagtekening: day, typed: typed, errors: [], context: context, status: .ok)
        }
        do {
            _ = try await recordFix(c, context.form, context: context)
        } catch let invalid as FormErrors {
            let typed = context.form.raw("dagtekening") ?? ""
            let day = context.form.date("dagtekening").flatMap { $0 <= loader.today ? $0 : nil } ?? loader.today
            return try await renderFix(c, concept: concept, dagtekening: day, typed: typed, errors: invalid.fields.filter { !$0.name.hasPrefix("rules.") }, context: context, status: invalid.status)
        }
        return Response(status: .seeOther, headers: [.location: SiteRoute.person(c.loaded.person.id).path + "?melding=pip"])
    }

    /// Fixes the open concept from the form; throws `FormErrors` (one field error per problem, on
    /// `dagtekening` for the web page).
    func recordFix(_ c: Case, _ input: FormData, context: RegieRequestContext) async throws -> PIPRecord {
        var r = InputReader()
        let command = FixPIP(pips: c.pips, dagtekening: r.date("dagtekening", input["dagtekening"]),
                             delayReason: r.choice("delayReason", input["delayReason"], as: PIPDelayReason.self), delayNote: input["delayNote"], read: r.issues)
        return try await services.run(command, on: c.loaded, context: context)
    }

    // MARK: The decision letter

    struct LetterView: Encodable {
        struct Section: Encodable { let heading: String; let text: String }
        struct Annex: Encodable { let lang: String; let heading: String; let paragraphs: [String] }
        let frame: LetterFrame
        let name: String
        let bsn: String
        let dateOfBirth: String
        let version: Int
        let isChange: Bool
        let changeText: String
        let route: String
        let routeParts: String
        let sections: [Section]
        let term: String
        let hasTerm: Bool
        let deviation: String
        let hasDeviation: Bool
        let bezwaarAddress: String
        /// The optional plain-language summary in the newcomer's language (not part of the decision).
        let annex: Annex?
        let intro: String
        let obligations: String
    }

    /// The printable decision letter, in formal Dutch with the bezwaar clause (Awb 6:7). A concept
    /// prints with a "concept" mark; a fixed version is the beschikking as sent. A decision is always
    /// in Dutch (Awb 2:6: the administration uses Dutch), whatever the user's interface language.
    func letter(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let c = try await loadCase(context, permission: .readCasework)
        guard let number = Int(try context.parameters.require("version")), let version = c.versions.first(where: { $0.version == number }) else {
            throw AppError.notFound
        }
        try await services.record(.caseworkPipLetter, context: context, permission: .readCasework, person: c.loaded.person, detail: "versie \(number)")
        let rendered = try await letterHTML(c, version: version, annex: Self.annexLocale(context))
        return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(string: rendered.html)))
    }

    /// The rendered beschikking of one version, with its kenmerk and subject (for keeping it as sent).
    /// The language of the plain-language annex asked for (`bijlage`), if any other than Dutch.
    static func annexLocale(_ context: RegieRequestContext) -> UILocale? {
        context.form.choice("bijlage", UILocale.self).flatMap { $0 == .nl ? nil : $0 }
    }

    func letterHTML(_ c: Case, version: PIPRecord, annex annexLocale: UILocale? = nil) async throws -> (html: String, reference: String, subject: String) {
        // A decision letter is Dutch, whatever the reader's interface language.
        let l = UILocale.nl
        let t = Localizer(catalogue: services.catalogue, locale: l)
        let person = c.loaded.person
        let text = { (key: String) in t(key) }
        let dash = "—"
        let dagtekening = version.dagtekening
        let route = version.leerroute
        var parts: [String] = []
        let onderdelen = LeerrouteRules.onderdelen(route)
        parts.append(t("letter.target", ["level": (version.niveau ?? onderdelen.doelniveau).rawValue]))
        if onderdelen.map == true { parts.append(text("letter.withMAP")) }
        if onderdelen.pvt { parts.append(text("letter.withPVT")) }
        var sections: [LetterView.Section] = []
        func add(_ key: String, _ value: String?) {
            guard let value, !value.isEmpty else { return }
            sections.append(.init(heading: text("letter.sections.\(key)"), text: value))
        }
        add("begeleiding", version.begeleiding)
        add("ondersteuning", version.ondersteuning)
        add("pvt", [version.pvt, version.pvtUren.map { t("letter.hours", ["hours": String($0)]) }].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " "))
        add("map", [version.map, version.mapUren.map { t("letter.practiceHours", ["hours": String($0)]) }].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " "))
        add("vve", version.vve == .notApplicable ? text("letter.vveNotApplicable") : version.vve.text)
        add("voortgang", [version.voortgangsgesprekken.map { t("letter.meetings", ["count": String($0)]) },
                          version.cadansMaanden.map { t("letter.cadence", ["months": String($0)]) }].compactMap { $0 }.joined(separator: " "))
        add("einddoel", version.einddoel.map { t("pip.einddoelen.\($0.rawValue)") })
        let firstFixed = c.fixed.first?.dagtekening
        let termStart = firstFixed ?? (c.fixed.isEmpty ? dagtekening : nil)
        let term = termStart.map { InburgeringstermijnRule.basis(eerstePIPDagtekening: $0) }
        let municipality = c.loaded.principal.municipalities.first { $0.code == person.municipalityCode }?.name ?? person.municipalityCode
        // The municipality's own wording of the adjustable blocks (settings); the bezwaar clause is fixed.
        let own = try await services.settings.fetch(person.municipalityCode).letterTexts
        let parties = try await LetterFrame.parties(services, person: person, consulentId: c.loaded.traject.consulentId, municipalityName: municipality,
                                                    scope: c.loaded.scope)
        let name = person.displayName(t)
        let subject = text("letter.subjectText") + (version.version > 1 ? " (\(text("letter.version")) \(version.version))" : "")
        let reference = CaseReference.of(municipalityCode: person.municipalityCode, trajectId: c.loaded.traject.id) + "/PIP-\(version.version)"
        var frame = LetterFrame.make(parties, title: t("letter.title", ["name": name]), subject: subject, reference: reference,
                                     date: dagtekening.map { DisplayDate.format($0.iso, l) } ?? text("letter.noDateYet"), isConcept: !version.isFixed,
                                     backHref: SiteRoute.pip(person.id).path, backLabelKey: "letter.back", localizer: t)
        // The municipality's own closing and signer wording (settings), where its letterhead names no mandate.
        if let closing = own["closing"] { frame.closing = closing }
        if parties.letterhead.mandateLine.isEmpty, let signer = own["signer"] { frame.mandateLine = signer }
        let view = LetterView(
            frame: frame, name: name,
            bsn: person.bsn ?? dash, dateOfBirth: person.dateOfBirth.map { DisplayDate.format($0, l) } ?? "", version: version.version,
            isChange: version.version > 1,
            changeText: version.changeReason.map { t("letter.change", ["reason": t("pip.changeReasons.\($0.rawValue)").lowercased(), "note": version.changeNote ?? ""]) } ?? "",
            route: t("routes.\(route.rawValue)"), routeParts: parts.joined(separator: " "),
            sections: sections,
            term: term.map { t("letter.term", ["start": DisplayDate.format($0.start.iso, l), "end": DisplayDate.format($0.end.iso, l)]) } ?? "",
            hasTerm: term != nil, deviation: version.redenAfwijking ?? "", hasDeviation: !(version.redenAfwijking ?? "").isEmpty,
            bezwaarAddress: LetterFrame.bezwaarAddress(parties, localizer: t),
            annex: annexLocale.map { a in
                let annexText = Localizer(catalogue: services.catalogue, locale: a)
                // Plain language in the newcomer's language: what was decided, until when, what to do if they disagree.
                var paragraphs = [annexText("letterAnnex.intro"),
                                  annexText("letterAnnex.route", ["route": annexText("routes.\(route.rawValue)")])]
                if let term {
                    paragraphs.append(annexText("letterAnnex.term", ["start": DisplayDate.format(term.start.iso, a), "end": DisplayDate.format(term.end.iso, a)]))
                }
                paragraphs += [annexText("letterAnnex.obligations"), annexText("letterAnnex.bezwaar"),
                               annexText("letterAnnex.contact", ["name": parties.contact?.name ?? parties.municipalityName])]
                return LetterView.Annex(lang: a.rawValue, heading: annexText("letterAnnex.heading"), paragraphs: paragraphs)
            },
            intro: own["intro"] ?? text("letter.intro"), obligations: own["obligations"] ?? text("letter.obligations"))
        return (try services.views.renderStandaloneHTML("pip-letter", content: view, locale: .nl), reference, subject)
    }
}
