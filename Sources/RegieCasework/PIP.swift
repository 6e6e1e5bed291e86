import DUO
import Foundation
import Inburgering
import RegieStorage

extension PIPRecord {
    /// The version as the law module reads it; the letter always carries the bezwaar clause.
    public func pip(dagtekening: CalendarDate) -> PIP {
        let vveValue: VVEAfspraak? = switch vve {
        case .none: nil
        case .notApplicable: .nietVanToepassing
        case .agreements(let text): .afspraken(text)
        }
        return PIP(
            versie: version, dagtekening: dagtekening, leerroute: leerroute, niveau: niveau,
            begeleiding: begeleiding, ondersteuning: ondersteuning,
            pvt: pvt.isEmpty && pvtUren == nil ? nil : PVTAfspraak(invulling: pvt, uren: pvtUren ?? 0),
            map: map.isEmpty && mapUren == nil ? nil : MAPAfspraak(invulling: map, praktijkuren: mapUren ?? 0),
            vve: vveValue, aantalVoortgangsgesprekken: voortgangsgesprekken, voortgangCadansMaanden: cadansMaanden,
            einddoel: einddoel, bevatBezwaarclausule: true, redenAfwijkingLBT: redenAfwijking,
            geschatteIntensiteitB1Route: intensiteitB1, wijzigingsreden: changeReason)
    }
}

/// What stops a PIP version from being fixed: a gap in its content (R5, R4, R7d), a change the law
/// does not allow on its dagtekening (R7a, R7b), or a rule DUO applies to PIPs it receives (R6).
public enum PIPProblem: Sendable {
    case content(PIPInhoudGebrek)
    case change(PIPWijzigingGebrek, dagtekening: CalendarDate)
    case duo(PIPViolation)

    /// The code the problem is reported under (`rules.<code>` in a refusal).
    public var code: String {
        switch self {
        case .content(let gap): gap.rule.rawValue
        case .change(let gebrek, _): gebrek.rule.rawValue
        case .duo(let violation): violation.code
        }
    }

    public var rule: RuleID {
        switch self {
        case .content(let gap): gap.rule
        case .change(let gebrek, _): gebrek.rule
        case .duo(let violation): violation.rule
        }
    }
}

/// A person's PIP versions: the open concept, if any, and the fixed ones (each a beschikking).
public struct PIPVersions: Sendable {
    public let file: CaseFile
    public let versions: [PIPRecord]

    public init(file: CaseFile, versions: [PIPRecord]) {
        self.file = file
        self.versions = versions
    }

    public static func load(_ file: CaseFile, scope: TenantScope, stores: CaseworkStores) async throws -> PIPVersions {
        PIPVersions(file: file, versions: try await stores.casework.listPIPs(personId: file.person.id, scope: scope))
    }

    public var concept: PIPRecord? { versions.first { !$0.isFixed } }
    public var fixed: [PIPRecord] { versions.filter(\.isFixed) }

    /// The limits on what a later version changes (R7a, R7b) for a concept with this route and level,
    /// fixed on `dagtekening`. Empty for a first PIP.
    public func changeProblems(route: Leerroute, niveau: Taalniveau?, dagtekening: CalendarDate, scope: TenantScope,
                               stores: CaseworkStores) async throws -> [PIPWijzigingGebrek] {
        guard let current = fixed.last, let first = fixed.compactMap(\.dagtekening).min() else { return [] }
        let wijzigingen = PIPWijzigingRule.wijzigingen(vorigeRoute: current.leerroute, vorigNiveau: current.niveau, nieuweRoute: route, nieuwNiveau: niveau)
        guard !wijzigingen.isEmpty else { return [] }
        let hours = wijzigingen.contains(.afschalen)
            ? UrenRules.routeCursusuren(try await stores.casework.listUren(personId: file.person.id, scope: scope).compactMap(\.registratie))
            : 0
        return PIPWijzigingRule.gebreken(wijzigingen, ingangsdatum: dagtekening,
                                         termijnStart: InburgeringstermijnRule.basis(eerstePIPDagtekening: first).start, routeCursusuren: hours)
    }

    /// What stops fixing `concept` on `dagtekening`: content gaps (R5, R4, R7d), limits on changes
    /// (R7a, R7b) and DUO's rules (R6) — the same checks the PIP page shows and the fix applies.
    public func problems(concept: PIPRecord, dagtekening: CalendarDate, scope: TenantScope, stores: CaseworkStores) async throws -> [PIPProblem] {
        let pip = concept.pip(dagtekening: dagtekening)
        let lbt = try await DecideRoute.currentLBT(file, scope: scope, stores: stores)
        // What DUO last said wins over Regie's own dates: a PIP DUO would refuse is refused here,
        // before it becomes a beschikking (R6). The worker checks again with the same assembly.
        let atDUO = try await stores.duo.whatDUOSaid(personId: file.person.id)
        let validation = PIPValidationContext.voorZaak(
            categorie: file.person.doelgroep.categorie, kennisgeving: file.traject.kennisgevingDate,
            brpInschrijving: file.traject.brpDate, vastgesteldeDagtekeningen: fixed.filter { $0.id != concept.id }.compactMap(\.dagtekening),
            duoStart: atDUO.start, duoHuidigePIP: atDUO.currentPIP)
        let content = PIPContentRule.gebreken(pip, toets: lbt?.toets).map(PIPProblem.content)
        let duo = PIPValidator.validate(PIPSubmission(pip), context: validation).map(PIPProblem.duo)
        let changes = try await changeProblems(route: concept.leerroute, niveau: concept.niveau, dagtekening: dagtekening, scope: scope, stores: stores)
            .map { PIPProblem.change($0, dagtekening: dagtekening) }
        return content + changes + duo
    }

    /// The last day of the 10-week PIP term (R1) when a first PIP dated `dagtekening` comes after
    /// it: the case worker then says why, for the figures. Nil for later versions or on time.
    public func lateDeadline(dagtekening: CalendarDate) -> CalendarDate? {
        // The last day as the law module computed and stored it with the traject's terms (R1, R1a).
        guard fixed.isEmpty, let deadline = file.traject.pipDueDate, dagtekening > deadline else { return nil }
        return deadline
    }
}

/// The concept of the next PIP version (Wi2021 art. 15), or changes to the open one. Content gaps
/// (R5) do not stop a concept; they stop fixing it. A later version gives its reason.
public struct SavePIPConcept: CaseworkCommand {
    public let pips: PIPVersions
    public var changeReason: PIPWijzigingsreden?
    public var changeNote: String?
    public var leerroute: Leerroute?
    public var niveau: Taalniveau?
    public var begeleiding: String?
    public var ondersteuning: String?
    public var pvt: String?
    public var pvtUren: Int?
    public var map: String?
    public var mapUren: Int?
    public var vveNietVanToepassing: Bool
    public var vve: String?
    public var voortgangsgesprekken: Int?
    public var cadansMaanden: Int?
    public var einddoel: Einddoel?
    public var redenAfwijking: String?
    public var intensiteitB1: Int?
    public var read: [FieldIssue]

    public init(pips: PIPVersions, changeReason: PIPWijzigingsreden?, changeNote: String?, leerroute: Leerroute?, niveau: Taalniveau?,
                begeleiding: String?, ondersteuning: String?, pvt: String?, pvtUren: Int?, map: String?, mapUren: Int?, vveNietVanToepassing: Bool,
                vve: String?, voortgangsgesprekken: Int?, cadansMaanden: Int?, einddoel: Einddoel?, redenAfwijking: String?, intensiteitB1: Int?,
                read: [FieldIssue] = []) {
        self.pips = pips
        self.changeReason = changeReason
        self.changeNote = changeNote
        self.leerroute = leerroute
        self.niveau = niveau
        self.begeleiding = begeleiding
        self.ondersteuning = ondersteuning
        self.pvt = pvt
        self.pvtUren = pvtUren
        self.map = map
        self.mapUren = mapUren
        self.vveNietVanToepassing = vveNietVanToepassing
        self.vve = vve
        self.voortgangsgesprekken = voortgangsgesprekken
        self.cadansMaanden = cadansMaanden
        self.einddoel = einddoel
        self.redenAfwijking = redenAfwijking
        self.intensiteitB1 = intensiteitB1
        self.read = read
    }

    public static let hoursRange = 0...999
    public static let meetingsRange = 0...36
    public static let cadenceRange = 1...12
    public static let labels = [
        "changeReason": "pip.changeReason", "changeNote": "pip.changeNote", "leerroute": "route.leerroute", "niveau": "route.level",
        "begeleiding": "pip.begeleiding", "ondersteuning": "pip.ondersteuning", "pvt": "pip.pvt", "map": "pip.map", "vve": "pip.vve",
        "redenAfwijking": "pip.redenAfwijking", "pvtUren": "pip.pvtUren", "mapUren": "pip.mapUren", "voortgangsgesprekken": "pip.voortgangsgesprekken",
        "cadansMaanden": "pip.cadansMaanden", "intensiteitB1": "pip.intensiteitB1", "einddoel": "pip.einddoel",
    ]

    /// The checked version, ready to store (version and id are set by the store).
    func validate(_ context: CommandContext) throws(CaseworkError) -> PIPRecord {
        var v = Checks(labels: Self.labels, read: read)
        let isFirst = pips.fixed.isEmpty
        // A first PIP has no change: a reason or note sent with it is checked (never accepted unchecked) but not kept.
        var changeReason = v.choice("changeReason", changeReason, required: !isFirst)
        var changeNote = v.text("changeNote", changeNote, required: !isFirst, maxLength: 2000)
        if isFirst { changeReason = nil; changeNote = nil }
        let route = v.choice("leerroute", leerroute)
        let level = v.choice("niveau", niveau, required: false)
        if let route, let level, !LeerrouteRules.toegestaneNiveaus(route, eerstePIP: isFirst).contains(level) {
            v.fail("niveau", "route.errors.level", ["route": .label("routes.\(route.rawValue)"), "level": .text(level.rawValue)])
        }
        let begeleiding = v.text("begeleiding", begeleiding, required: false, maxLength: 5000) ?? ""
        let ondersteuning = v.text("ondersteuning", ondersteuning, required: false, maxLength: 5000) ?? ""
        let pvt = v.text("pvt", pvt, required: false, maxLength: 5000) ?? ""
        let map = v.text("map", map, required: false, maxLength: 5000) ?? ""
        let vveText = v.text("vve", vve, required: false, maxLength: 5000) ?? ""
        let reden = v.text("redenAfwijking", redenAfwijking, required: false, maxLength: 5000)
        let pvtUren = v.integer("pvtUren", pvtUren, range: Self.hoursRange, required: false)
        let mapUren = v.integer("mapUren", mapUren, range: Self.hoursRange, required: false)
        let gesprekken = v.integer("voortgangsgesprekken", voortgangsgesprekken, range: Self.meetingsRange, required: false)
        let cadans = v.integer("cadansMaanden", cadansMaanden, range: Self.cadenceRange, required: false)
        let intensiteit = v.integer("intensiteitB1", intensiteitB1, range: PIPValidator.intensiteitBereik, required: false)
        let einddoel = v.choice("einddoel", einddoel, required: false)
        if vveNietVanToepassing && !vveText.isEmpty { v.fail("vve", "pip.errors.vveBoth") }
        guard v.isValid, let route else { throw v.error() }
        let now = context.now.epochSeconds
        return PIPRecord(
            id: CommandContext.newID(), personId: pips.file.person.id, version: 0, status: .concept, dagtekening: nil, leerroute: route,
            niveau: level, begeleiding: begeleiding, ondersteuning: ondersteuning, pvt: pvt, pvtUren: pvtUren, map: map, mapUren: mapUren,
            vve: vveNietVanToepassing ? .notApplicable : PIPVVE(stored: vveText), voortgangsgesprekken: gesprekken, cadansMaanden: cadans,
            einddoel: einddoel, redenAfwijking: reden, intensiteitB1: intensiteit, changeReason: changeReason,
            changeNote: changeNote, createdBy: context.actorId, createdAt: now, updatedAt: now)
    }

    public func run(_ context: CommandContext, stores: CaseworkStores) async throws -> PIPRecord {
        try pips.file.requireOpenForPlanning(field: "leerroute", labels: Self.labels)
        let record = try validate(context)
        // R7a/R7b: what the new version changes is checked whatever reason was chosen; the window again
        // on the dagtekening when it is fixed (a concept saved in time may be fixed too late).
        let today = context.today
        let gebreken = try await pips.changeProblems(route: record.leerroute, niveau: record.niveau, dagtekening: today, scope: context.scope, stores: stores)
        if !gebreken.isEmpty {
            throw CaseworkError(.rejected, gebreken.map { gebrek in
                FieldIssue(field: gebrek.rule == .r7b ? "leerroute" : "niveau", rule: "pip.errors.rule", arguments: ["problem": .problem(.change(gebrek, dagtekening: today))])
            }, labels: Self.labels)
        }
        let event = context.audit(.caseworkPipConcept, pips.file.person, "route: \(record.leerroute.rawValue)")
        guard let saved = try await stores.casework.saveConcept(record, scope: context.scope, actor: context.actor, audit: event, now: context.now) else {
            throw CaseNotFound()
        }
        return saved
    }
}

/// Fixes the open concept as a beschikking on its dagtekening, after the content (R5), change
/// (R7a, R7b) and DUO (R6) checks. The first fixed version starts the inburgeringstermijn (R2).
public struct FixPIP: CaseworkCommand {
    public let pips: PIPVersions
    public var dagtekening: CalendarDate?
    public var delayReason: PIPDelayReason?
    public var delayNote: String?
    public var read: [FieldIssue]

    public init(pips: PIPVersions, dagtekening: CalendarDate?, delayReason: PIPDelayReason?, delayNote: String?, read: [FieldIssue] = []) {
        self.pips = pips
        self.dagtekening = dagtekening
        self.delayReason = delayReason
        self.delayNote = delayNote
        self.read = read
    }

    public static let labels = ["dagtekening": "pip.dagtekening", "delayReason": "pip.delayReason", "delayNote": "pip.delayNote"]

    public func run(_ context: CommandContext, stores: CaseworkStores) async throws -> PIPRecord {
        let noConcept = CaseworkError(.conflict(existingId: nil), [FieldIssue(field: "concept", rule: "pip.errors.noConcept")], labels: Self.labels)
        guard let concept = pips.concept else { throw noConcept }
        try pips.file.requireOpenForPlanning(field: "dagtekening", labels: Self.labels)
        var v = Checks(labels: Self.labels, read: read)
        // A beschikking is dated today or earlier.
        let day = v.date("dagtekening", dagtekening, notAfter: context.today)
        // A beschikking is addressed to a named person: a case opened on a DUO signal needs its BRP details first.
        if pips.file.person.detailsPending { v.fail("dagtekening", "pip.errors.detailsPending") }
        // A later version is not dated before the one in force (TrajectGebeurtenisRule).
        if let day, case .pipDagtekeningVoorVorige(let vorige)? = pips.file.refusal(
            of: .pipVastgesteld(PIP(dagtekening: day, leerroute: concept.leerroute)), pipDagtekeningen: pips.fixed.compactMap(\.dagtekening)) {
            v.fail("dagtekening", "pip.errors.beforePrevious", ["date": .date(vorige)])
        }
        guard v.isValid, let day else { throw v.error() }
        // R1: a first PIP after the 10 weeks says why (for the figures); "another reason" says which.
        let deadline = pips.lateDeadline(dagtekening: day)
        var note: String?
        if let deadline {
            if delayReason == nil { v.fail("delayReason", "pip.errors.delayReason", ["date": .date(deadline)]) }
            note = v.text("delayNote", delayNote, required: delayReason == .overig, maxLength: 500)
            guard v.isValid else { throw v.error() }
        }
        let problems = try await pips.problems(concept: concept, dagtekening: day, scope: context.scope, stores: stores)
        if let first = problems.first {
            let summary = FieldIssue(field: "dagtekening", rule: "pip.errors.problems", arguments: ["count": .text(String(problems.count)), "first": .problem(first)])
            throw CaseworkError(.rejected, [summary] + problems.map { FieldIssue(field: "rules.\($0.code)", rule: "pip.errors.rule", arguments: ["problem": .problem($0)]) },
                                labels: Self.labels)
        }
        let event = context.audit(.caseworkPipFix, pips.file.person, "versie \(concept.version), dagtekening \(day.iso)")
        do {
            guard let fixed = try await stores.casework.fixPIP(personId: pips.file.person.id, dagtekening: day, delayReason: deadline != nil ? delayReason : nil,
                                                               delayNote: note, scope: context.scope, actor: context.actor, audit: event, now: context.now) else {
                throw CaseNotFound()
            }
            return fixed
        } catch CaseworkStore.PIPStoreError.notAConcept {
            throw noConcept
        }
    }
}
