import Foundation
import Inburgering
import RegieStorage

extension LBTRecord {
    /// The test as the law module reads it.
    public var toets: Leerbaarheidstoets {
        Leerbaarheidstoets(datumAfname: testDate, score: score.flatMap { LBTScore($0) },
                           vrijstelling: exemption.flatMap(LBTVrijstelling.init(rawValue:)))
    }

    /// Taken (with a score) or exempted: a result to decide the route on.
    public var isResult: Bool { score != nil || exemption != nil }
}

/// An LBT invitation, result or exemption (R3: the leerbaarheidstoets, Wi2021 art. 14 lid 2;
/// Besluit inburgering 2021 art. 2.3).
public struct RecordLBT: CaseworkCommand {
    public let file: CaseFile
    public var invitedDate: CalendarDate?
    public var testDate: CalendarDate?
    public var administrator: String?
    public var conditions: String?
    public var score: Int?
    public var exemption: LBTVrijstelling?
    public var read: [FieldIssue]
    /// Set when this record corrects an earlier one (which is withdrawn in the same change).
    public var correcting: Correcting? = nil

    public init(file: CaseFile, invitedDate: CalendarDate?, testDate: CalendarDate?, administrator: String?, conditions: String?, score: Int?,
                exemption: LBTVrijstelling?, read: [FieldIssue] = []) {
        self.file = file
        self.invitedDate = invitedDate
        self.testDate = testDate
        self.administrator = administrator
        self.conditions = conditions
        self.score = score
        self.exemption = exemption
        self.read = read
    }

    public static let scoreRange = 0...LBTScore.maximumQuestions
    public static let labels = ["invitedDate": "lbt.invitedDate", "testDate": "lbt.testDate", "administrator": "lbt.administrator",
                                "conditions": "lbt.conditions", "score": "lbt.score", "exemption": "lbt.exemption"]

    public func run(_ context: CommandContext, stores: CaseworkStores) async throws -> LBTRecord {
        var v = Checks(labels: Self.labels, read: read)
        let invited = v.date("invitedDate", invitedDate, required: false)
        let testGiven = testDate != nil || v.failed("testDate")
        let tested = v.date("testDate", testDate, required: false, notAfter: context.today, notBefore: invited)
        let administrator = v.text("administrator", administrator, required: false, maxLength: 120) ?? ""
        let conditions = v.text("conditions", conditions, required: false, maxLength: 2000) ?? ""
        let score = v.integer("score", score, range: Self.scoreRange, required: false)
        let exemption = v.choice("exemption", exemption, required: false)
        if score != nil && exemption != nil { v.fail("exemption", "lbt.errors.scoreAndExemption") }
        if score != nil && !testGiven { v.fail("testDate", "lbt.errors.scoreWithoutDate") }
        if score != nil && administrator.isEmpty { v.fail("administrator", "lbt.errors.administrator") }
        if score == nil && exemption == nil && invited == nil && !testGiven { v.fail("invitedDate", "lbt.errors.empty") }
        let replacement = v.replacement(correcting)
        guard v.isValid else { throw v.error() }
        let record = LBTRecord(id: CommandContext.newID(), personId: file.person.id, invitedDate: invited, testDate: tested,
                               administrator: administrator, conditions: conditions, score: score, exemption: exemption?.rawValue,
                               createdBy: context.actorId, createdAt: context.now.epochSeconds)
        let event = context.audit(.caseworkLbtRecord, file.person,
                                  score.map { "score: \($0)/40" } ?? (exemption.map { "vrijstelling: \($0.rawValue)" } ?? "uitnodiging"))
        return try CaseNotFound.unless(try await Correcting.refusedUnlessCurrent {
            try await stores.casework.insertLBT(record, replacing: replacement, scope: context.scope, actor: context.actor, audit: event, now: context.now)
        })
    }
}

/// The language school's advice on the route and level.
public struct RecordSchoolAdvice: CaseworkCommand {
    public let file: CaseFile
    public var date: CalendarDate?
    public var school: String?
    public var route: Leerroute?
    public var level: Taalniveau?
    public var note: String?
    public var read: [FieldIssue]
    /// Set when this record corrects an earlier one (which is withdrawn in the same change).
    public var correcting: Correcting? = nil

    public init(file: CaseFile, date: CalendarDate?, school: String?, route: Leerroute?, level: Taalniveau?, note: String?, read: [FieldIssue] = []) {
        self.file = file
        self.date = date
        self.school = school
        self.route = route
        self.level = level
        self.note = note
        self.read = read
    }

    public static let labels = ["adviceDate": "advies.date", "school": "advies.school", "adviesRoute": "advies.route",
                                "adviesNiveau": "advies.level", "adviesNote": "advies.note"]

    public func run(_ context: CommandContext, stores: CaseworkStores) async throws -> TaalschoolAdviesRecord {
        var v = Checks(labels: Self.labels, read: read)
        let date = v.date("adviceDate", date, notAfter: context.today)
        let school = v.text("school", school, maxLength: 120)
        let route = v.choice("adviesRoute", route)
        let level = v.choice("adviesNiveau", level, required: false)
        let note = v.text("adviesNote", note, required: false, maxLength: 2000) ?? ""
        let replacement = v.replacement(correcting)
        guard v.isValid, let date, let school, let route else { throw v.error() }
        let record = TaalschoolAdviesRecord(id: CommandContext.newID(), personId: file.person.id, adviceDate: date.iso, school: school,
                                            leerroute: route.rawValue, niveau: level?.rawValue, note: note, createdBy: context.actorId,
                                            createdAt: context.now.epochSeconds)
        let event = context.audit(.caseworkAdviesRecord, file.person, "route: \(route.rawValue)")
        return try CaseNotFound.unless(try await Correcting.refusedUnlessCurrent {
            try await stores.casework.insertAdvies(record, replacing: replacement, scope: context.scope, actor: context.actor, audit: event, now: context.now)
        })
    }
}

/// The route decision, weighed against the LBT (R4) with the level the route allows (R6).
public struct DecideRoute: CaseworkCommand {
    public let file: CaseFile
    public var leerroute: Leerroute?
    public var niveau: Taalniveau?
    public var considered: [Leerroute]
    public var considerations: String?
    public var deviationReason: String?
    public var read: [FieldIssue]

    public init(file: CaseFile, leerroute: Leerroute?, niveau: Taalniveau?, considered: [Leerroute], considerations: String?, deviationReason: String?,
                read: [FieldIssue] = []) {
        self.file = file
        self.leerroute = leerroute
        self.niveau = niveau
        self.considered = considered
        self.considerations = considerations
        self.deviationReason = deviationReason
        self.read = read
    }

    public static let labels = ["leerroute": "route.leerroute", "niveau": "route.level", "considered": "route.considered",
                                "considerations": "route.considerations", "deviationReason": "route.deviationReason"]

    /// The LBT result the route is weighed against: the latest test taken or exemption.
    public static func currentLBT(_ file: CaseFile, scope: TenantScope, stores: CaseworkStores) async throws -> LBTRecord? {
        try await stores.casework.listLBT(personId: file.person.id, scope: scope).last { $0.isResult }
    }

    public func run(_ context: CommandContext, stores: CaseworkStores) async throws -> RouteBesluitRecord {
        try file.requireOpenForPlanning(field: "leerroute", labels: Self.labels)
        var v = Checks(labels: Self.labels, read: read)
        let route = v.choice("leerroute", leerroute)
        let level = v.choice("niveau", niveau, required: false)
        v.read("considered")
        let considerations = v.text("considerations", considerations, maxLength: 5000)
        let reason = v.text("deviationReason", deviationReason, required: false, maxLength: 5000)
        let lbt = try await Self.currentLBT(file, scope: context.scope, stores: stores)
        var deviation = RouteAfwijking.geenUitslag
        if let route {
            // R4: a route other than the LBT suggests needs a written reason (Besluit, toelichting art. 2.3.3).
            deviation = RouteDeviationRule.afwijking(route: route, toets: lbt?.toets)
            if deviation.vereistMotivering && reason == nil { v.fail("deviationReason", "route.errors.reasonRequired.\(deviation.rawValue)") }
            // R6: the level must fit the route as DUO accepts it on a PIP.
            if let level, !LeerrouteRules.toegestaneNiveaus(route, eerstePIP: file.traject.pipDate == nil).contains(level) {
                v.fail("niveau", "route.errors.level", ["route": .label("routes.\(route.rawValue)"), "level": .text(level.rawValue)])
            }
        }
        guard v.isValid, let route, let considerations else { throw v.error() }
        let consideredSet = Set(considered + [route])
        let record = RouteBesluitRecord(
            id: CommandContext.newID(), personId: file.person.id, decidedDate: context.today.iso, leerroute: route.rawValue, niveau: level?.rawValue,
            considered: Leerroute.allCases.filter(consideredSet.contains).map(\.rawValue).joined(separator: ","), considerations: considerations,
            deviation: deviation.rawValue, deviationReason: reason, lbtScore: lbt?.score,
            createdBy: context.actorId, createdAt: context.now.epochSeconds)
        let event = context.audit(.caseworkRouteDecide, file.person, "route: \(route.rawValue), afwijking: \(deviation.rawValue)")
        guard let saved = try await stores.casework.insertRouteBesluit(record, scope: context.scope, actor: context.actor, audit: event,
                                                                       now: context.now) else { throw CaseNotFound() }
        return saved
    }
}
