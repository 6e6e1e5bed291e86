import DUO
import Foundation
import Inburgering
import RegieStorage

extension UrenRecord {
    /// The hours as the law module counts them.
    /// The hours as the law counts them; nil for a withdrawn row (it no longer counts anywhere).
    public var registratie: UrenRegistratie? {
        guard !isWithdrawn, let date = CalendarDate(iso: periodEnd), let soort = UrenSoort(rawValue: soort) else { return nil }
        return UrenRegistratie(datum: date, soort: soort, uren: hours, tijdensBredeIntake: duringIntake == 1)
    }
}

/// How a progress meeting went.
public enum MeetingOutcome: String, CaseIterable, Sendable {
    case opSchema, vertraging, zorgen
}

/// A completed part of the route that ends a part of the duty.
public enum RouteResultKind: String, CaseIterable, Sendable {
    case mapEindgesprek, pvtOndertekend, zRouteAfgerond
}

/// The start of the learning route (R12), with the offer as DUO registers it.
public struct StartRoute: CaseworkCommand {
    public let file: CaseFile
    public var startDate: CalendarDate?
    /// The institution's number at DUO (Inburgeringsaanbod API): 10 letters or digits.
    public var instellingsnummer: String?
    public var expectedEndDate: CalendarDate?
    public var literacy: Alfabetiseringsonderwijs?
    public var read: [FieldIssue]

    public init(file: CaseFile, startDate: CalendarDate?, instellingsnummer: String?, expectedEndDate: CalendarDate?, literacy: Alfabetiseringsonderwijs?,
                read: [FieldIssue] = []) {
        self.file = file
        self.startDate = startDate
        self.instellingsnummer = instellingsnummer
        self.expectedEndDate = expectedEndDate
        self.literacy = literacy
        self.read = read
    }

    public static let labels = ["startDate": "progress.startDate", "instellingsnummer": "progress.instellingsnummer",
                                "expectedEndDate": "progress.expectedEndDate", "literacy": "progress.literacy"]

    public func run(_ context: CommandContext, stores: CaseworkStores) async throws -> CalendarDate {
        try file.requireOpenForPlanning(field: "startDate", labels: Self.labels)
        var v = Checks(labels: Self.labels, read: read)
        let pipDate = file.traject.pipDate
        // A route starts only after a PIP (TrajectGebeurtenisRule).
        if file.refusal(of: .leerrouteGestart(startDate ?? context.today), pipDagtekeningen: pipDate.map { [$0] } ?? []) == .leerrouteZonderPIP {
            v.fail("startDate", "progress.errors.noPIP")
        }
        let date = v.date("startDate", startDate, notAfter: context.today, notBefore: pipDate)
        if let instelling = instellingsnummer, instelling.count != 10 || !instelling.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) {
            v.fail("instellingsnummer", "progress.errors.instellingsnummer")
        }
        let end = v.date("expectedEndDate", expectedEndDate, required: false, notBefore: date)
        let literacy = literacy ?? .nietVanToepassing
        guard v.isValid, let date else { throw v.error() }
        let aanbod = instellingsnummer.map { ($0, DUOInburgeringsaanbod(datumInburgeringsaanbod: date, verwachteStartdatumOpleiding: date,
                                                                        verwachteEinddatumOpleiding: end, indicatorAlfabetiseringsonderwijs: literacy.rawValue)) }
        let event = context.audit(.caseworkRouteStart, file.person, "start: \(date.iso)")
        guard try await stores.casework.startRoute(personId: file.person.id, date: date, aanbod: aanbod, scope: context.scope, actor: context.actor,
                                                   audit: event, now: context.now) != nil else { throw CaseNotFound() }
        return date
    }
}

/// A progress meeting (R5b), or that the newcomer did not come.
public struct RecordProgressMeeting: CaseworkCommand {
    public let file: CaseFile
    public var heldDate: CalendarDate?
    public var outcome: MeetingOutcome?
    public var noShow: Bool
    public var note: String?
    public var read: [FieldIssue]
    /// Set when this record corrects an earlier one (which is withdrawn in the same change).
    public var correcting: Correcting? = nil

    public init(file: CaseFile, heldDate: CalendarDate?, outcome: MeetingOutcome?, noShow: Bool, note: String?, read: [FieldIssue] = []) {
        self.file = file
        self.heldDate = heldDate
        self.outcome = outcome
        self.noShow = noShow
        self.note = note
        self.read = read
    }

    public static let labels = ["heldDate": "progress.heldDate", "outcome": "progress.outcome", "meetingNote": "progress.note"]

    public func run(_ context: CommandContext, stores: CaseworkStores) async throws -> VoortgangsgesprekRecord {
        var v = Checks(labels: Self.labels, read: read)
        let pipDate = file.traject.pipDate
        if pipDate == nil { v.fail("heldDate", "progress.errors.meetingWithoutPIP") }
        let date = v.date("heldDate", heldDate, notAfter: context.today, notBefore: pipDate)
        // A meeting the newcomer missed is a concern unless said otherwise.
        let outcome = noShow ? (outcome ?? .zorgen) : v.choice("outcome", outcome)
        let note = v.text("meetingNote", note, required: false, maxLength: 5000) ?? ""
        let replacement = v.replacement(correcting)
        guard v.isValid, let date, let outcome else { throw v.error() }
        let record = VoortgangsgesprekRecord(id: CommandContext.newID(), personId: file.person.id, heldDate: date.iso, outcome: outcome.rawValue, noShow: noShow,
                                             note: note, createdBy: context.actorId, createdAt: context.now.epochSeconds)
        let event = context.audit(.caseworkProgressMeeting, file.person, "datum: \(date.iso)")
        return try CaseNotFound.unless(try await Correcting.refusedUnlessCurrent {
            try await stores.casework.insertVoortgangsgesprek(record, replacing: replacement, scope: context.scope, actor: context.actor, audit: event,
                                                              now: context.now)
        })
    }
}

/// Hours followed in a period (MAP, PVT, participation, course).
public struct RecordHours: CaseworkCommand {
    public let file: CaseFile
    public var soort: UrenSoort?
    public var periodEnd: CalendarDate?
    public var hours: Int?
    public var provider: String?
    public var duringIntake: Bool
    /// The case worker confirmed a number above the plausible maximum (`UrenRules.plausibelMaximum`).
    public var confirmed: Bool
    public var read: [FieldIssue]

    public init(file: CaseFile, soort: UrenSoort?, periodEnd: CalendarDate?, hours: Int?, provider: String?, duringIntake: Bool,
                confirmed: Bool = false, read: [FieldIssue] = []) {
        self.file = file
        self.confirmed = confirmed
        self.soort = soort
        self.periodEnd = periodEnd
        self.hours = hours
        self.provider = provider
        self.duringIntake = duringIntake
        self.read = read
    }

    public static let hoursRange = 1...2000
    public static let labels = ["soort": "progress.kind", "periodEnd": "progress.periodEnd", "hours": "progress.hours", "provider": "progress.provider"]

    public func run(_ context: CommandContext, stores: CaseworkStores) async throws -> UrenRecord {
        var v = Checks(labels: Self.labels, read: read)
        let soort = v.choice("soort", soort)
        let date = v.date("periodEnd", periodEnd, notAfter: context.today)
        let hours = v.integer("hours", hours, range: Self.hoursRange)
        let provider = v.text("provider", provider, required: false, maxLength: 120) ?? ""
        guard v.isValid, let soort, let date, let hours else { throw v.error() }
        try await Self.checkPlausible(hours, soort: soort, periodEnd: date, confirmed: confirmed, personId: file.person.id, stores: stores, checks: &v)
        guard v.isValid else { throw v.error() }
        let record = UrenRecord(id: CommandContext.newID(), personId: file.person.id, soort: soort.rawValue, periodEnd: date.iso, hours: hours, provider: provider,
                                duringIntake: duringIntake, createdBy: context.actorId, createdAt: context.now.epochSeconds)
        let event = context.audit(.caseworkProgressHours, file.person, "\(hours) \(soort.rawValue)")
        guard let saved = try await stores.casework.insertUren(record, scope: context.scope, actor: context.actor, audit: event, now: context.now) else {
            throw CaseNotFound()
        }
        return saved
    }
}

extension RecordHours {
    /// More hours than the period can plausibly hold (eight on every working day since the last
    /// period of the same kind, or in the quarter ending on the period's last day when there is
    /// none) are refused until the case worker confirms them.
    static func checkPlausible(_ hours: Int, soort: UrenSoort, periodEnd: CalendarDate, confirmed: Bool, personId: String, excluding id: String? = nil,
                               field: String = "hours", stores: CaseworkStores, checks v: inout Checks) async throws {
        guard !confirmed else { return }
        let from = try await stores.casework.previousPeriodEnd(personId: personId, soort: soort.rawValue, before: periodEnd, excluding: id)?.adding(days: 1)
            ?? periodEnd.adding(months: -3).adding(days: 1)
        let maximum = UrenRules.plausibelMaximum(van: from, tot: periodEnd)
        if hours > maximum {
            v.fail(field, "progress.errors.implausible", ["hours": .text(String(hours)), "maximum": .text(String(maximum)), "from": .date(from), "to": .date(periodEnd),
                                                         "kind": .label("progress.kinds.\(soort.rawValue)")])
        }
    }
}

/// The hours of one period for every kind at once (issue 15 item 4): each kind's hours and its
/// provider, from the municipality's list when it keeps one. All rows are stored, or none.
public struct RecordHoursGrid: CaseworkCommand {
    public struct Row: Sendable {
        public var soort: UrenSoort
        public var hours: Int?
        public var provider: String?

        public init(soort: UrenSoort, hours: Int?, provider: String?) {
            self.soort = soort
            self.hours = hours
            self.provider = provider
        }
    }

    public let file: CaseFile
    public var periodEnd: CalendarDate?
    public var rows: [Row]
    public var duringIntake: Bool
    public var confirmed: Bool
    public var read: [FieldIssue]

    public init(file: CaseFile, periodEnd: CalendarDate?, rows: [Row], duringIntake: Bool, confirmed: Bool = false, read: [FieldIssue] = []) {
        self.file = file
        self.periodEnd = periodEnd
        self.rows = rows
        self.duringIntake = duringIntake
        self.confirmed = confirmed
        self.read = read
    }

    /// The form's field of each kind's hours and provider.
    public static func hoursField(_ soort: UrenSoort) -> String { "uren-\(soort.rawValue)" }
    public static func providerField(_ soort: UrenSoort) -> String { "aanbieder-\(soort.rawValue)" }

    public static var labels: [String: String] {
        var labels = ["periodEnd": "progress.periodEnd"]
        for soort in UrenSoort.allCases {
            labels[hoursField(soort)] = "progress.kinds.\(soort.rawValue)"
            labels[providerField(soort)] = "progress.provider"
        }
        return labels
    }

    public func run(_ context: CommandContext, stores: CaseworkStores) async throws -> [UrenRecord] {
        var v = Checks(labels: Self.labels, read: read)
        let date = v.date("periodEnd", periodEnd, notAfter: context.today)
        let providers = try await stores.settings.fetch(file.person.municipalityCode).providers
        var filled: [(UrenSoort, Int, String)] = []
        for row in rows where row.hours != nil {
            let hours = v.integer(Self.hoursField(row.soort), row.hours, range: RecordHours.hoursRange)
            let provider = v.text(Self.providerField(row.soort), row.provider, required: false, maxLength: 120) ?? ""
            if !providers.isEmpty && !provider.isEmpty && !providers.contains(provider) {
                v.fail(Self.providerField(row.soort), "progress.errors.providerUnknown")
            }
            if let hours { filled.append((row.soort, hours, provider)) }
        }
        if rows.allSatisfy({ $0.hours == nil }) && read.isEmpty { v.fail(Self.hoursField(.cursus), "progress.errors.noHours") }
        guard v.isValid, let date else { throw v.error() }
        for (soort, hours, _) in filled {
            try await RecordHours.checkPlausible(hours, soort: soort, periodEnd: date, confirmed: confirmed, personId: file.person.id,
                                                 field: Self.hoursField(soort), stores: stores, checks: &v)
        }
        guard v.isValid else { throw v.error() }
        let records = filled.map { soort, hours, provider in
            UrenRecord(id: CommandContext.newID(), personId: file.person.id, soort: soort.rawValue, periodEnd: date.iso, hours: hours, provider: provider,
                       duringIntake: duringIntake, createdBy: context.actorId, createdAt: context.now.epochSeconds)
        }
        let event = context.audit(.caseworkProgressHours, file.person, records.map { "\($0.hours) \($0.soort)" }.joined(separator: ", "))
        guard let saved = try await stores.casework.insertUrenBatch(records, personId: file.person.id, scope: context.scope, actor: context.actor,
                                                                     audit: event, now: context.now) else { throw CaseNotFound() }
        return saved
    }
}

/// Corrects a row of hours (a new number in its place) or withdraws it; either way with a reason,
/// and the old row stays in the history (issue 15 item 3).
public struct CorrectHours: CaseworkCommand {
    public let file: CaseFile
    public var hoursId: String
    /// The corrected number; nil withdraws the row.
    public var hours: Int?
    public var withdraw: Bool
    public var reason: String?
    public var confirmed: Bool
    public var read: [FieldIssue]

    public init(file: CaseFile, hoursId: String, hours: Int?, withdraw: Bool, reason: String?, confirmed: Bool = false, read: [FieldIssue] = []) {
        self.file = file
        self.hoursId = hoursId
        self.hours = hours
        self.withdraw = withdraw
        self.reason = reason
        self.confirmed = confirmed
        self.read = read
    }

    public static let labels = ["hours": "progress.correctHours", "reason": "progress.correctionReason"]

    public func run(_ context: CommandContext, stores: CaseworkStores) async throws -> UrenRecord {
        var v = Checks(labels: Self.labels, read: read)
        let hours = withdraw ? nil : v.integer("hours", hours, range: RecordHours.hoursRange)
        let reason = v.text("reason", reason, required: true, maxLength: 500)
        guard v.isValid, let reason else { throw v.error() }
        let current = try await stores.casework.listUren(personId: file.person.id, scope: context.scope).first { $0.id == hoursId && !$0.isWithdrawn }
        guard let current, let soort = UrenSoort(rawValue: current.soort), let periodEnd = CalendarDate(iso: current.periodEnd) else { throw CaseNotFound() }
        if let hours {
            try await RecordHours.checkPlausible(hours, soort: soort, periodEnd: periodEnd, confirmed: confirmed, personId: file.person.id,
                                                 excluding: current.id, stores: stores, checks: &v)
            guard v.isValid else { throw v.error() }
        }
        let detail = hours.map { "\(current.hours) -> \($0) \(current.soort)" } ?? "\(current.hours) \(current.soort) ingetrokken"
        let event = context.audit(hours == nil ? .caseworkProgressHoursWithdraw : .caseworkProgressHoursCorrect, file.person, detail + "; reden: " + reason)
        guard let saved = try await stores.casework.correctUren(personId: file.person.id, id: current.id, hours: hours, newId: CommandContext.newID(),
                                                                 reason: reason, scope: context.scope, actor: context.actor, audit: event, now: context.now) else {
            throw CaseNotFound()
        }
        return saved
    }
}

/// A completed part of the route (R7d: the MAP and PVT need their minimum hours first).
public struct RecordRouteResult: CaseworkCommand {
    public let file: CaseFile
    public var kind: RouteResultKind?
    public var resultDate: CalendarDate?
    public var read: [FieldIssue]

    public init(file: CaseFile, kind: RouteResultKind?, resultDate: CalendarDate?, read: [FieldIssue] = []) {
        self.file = file
        self.kind = kind
        self.resultDate = resultDate
        self.read = read
    }

    public static let labels = ["kind": "progress.resultKind", "resultDate": "progress.resultDate"]

    public func run(_ context: CommandContext, stores: CaseworkStores) async throws -> RouteResultaatRecord {
        var v = Checks(labels: Self.labels, read: read)
        let kind = v.choice("kind", kind)
        let date = v.date("resultDate", resultDate, notAfter: context.today)
        if let kind, v.isValid {
            let registraties = try await stores.casework.listUren(personId: file.person.id, scope: context.scope).compactMap(\.registratie)
            if kind == .mapEindgesprek, !UrenRules.mapVoortgang(registraties).urenVoldaan { v.fail("kind", "progress.errors.mapHours") }
            if kind == .pvtOndertekend, !UrenRules.pvtVoortgang(registraties).urenVoldaan { v.fail("kind", "progress.errors.pvtHours") }
        }
        guard v.isValid, let kind, let date else { throw v.error() }
        let event = context.audit(.caseworkProgressResult, file.person, kind.rawValue)
        guard try await stores.casework.saveResultaat(personId: file.person.id, kind: kind.rawValue, date: date, by: context.actorId, scope: context.scope,
                                                      actor: context.actor, audit: event, now: context.now) != nil else { throw CaseNotFound() }
        return RouteResultaatRecord(personId: file.person.id, kind: kind.rawValue, resultDate: date)
    }
}

/// Closes the case with its reason (R11 for the AOW age).
public struct CloseCase: CaseworkCommand {
    public let file: CaseFile
    public var reason: TrajectEinde?
    public var closeDate: CalendarDate?
    public var read: [FieldIssue]

    public init(file: CaseFile, reason: TrajectEinde?, closeDate: CalendarDate?, read: [FieldIssue] = []) {
        self.file = file
        self.reason = reason
        self.closeDate = closeDate
        self.read = read
    }

    public static let labels = ["reason": "close.reason", "closeDate": "close.date"]

    public func run(_ context: CommandContext, stores: CaseworkStores) async throws -> TrajectEinde {
        var v = Checks(labels: Self.labels, read: read)
        let einde = v.choice("reason", reason)
        let date = v.date("closeDate", closeDate, notAfter: context.today)
        let alreadyClosed = file.refusal(of: .afgesloten(date ?? context.today, einde ?? .verhuisd)) == .trajectAfgesloten
        if alreadyClosed { v.fail("reason", "close.errors.alreadyClosed") }
        // R11: the obligation ends at AOW age on the day Regie computes from the birth date.
        if let einde, let date,
           case .aowLeeftijdNietBereikt(let aow) = InburgeringsplichtRule.afsluiten(einde, op: date, geboortedatum: file.person.dateOfBirth) {
            if let aow { v.fail("closeDate", "close.errors.aowNotReached", ["date": .date(aow)]) } else { v.fail("reason", "close.errors.aowNoBirthDate") }
        }
        guard v.isValid, let einde, let date else {
            throw v.error(alreadyClosed ? .conflict(existingId: nil) : einde != nil && date != nil ? .rejected : .invalid)
        }
        let event = context.audit(.caseworkClose, file.person, einde.rawValue)
        guard try await stores.casework.close(personId: file.person.id, date: date, einde: einde, scope: context.scope, actor: context.actor,
                                              audit: event, now: context.now) != nil else { throw CaseNotFound() }
        return einde
    }
}
