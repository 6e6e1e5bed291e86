import Foundation
import Inburgering
import SQLKit

/// The contract view of one provider over a period (issue 18 item 7; `docs/figures.md`, "Aanbieders
/// en contracten"): the register's hours, the waiting list and wait, the inflow and outflow of
/// referrals, the advice to switch route and the exams passed. Only figures: no person is named.
public struct ContractFigures: Sendable, Hashable {
    public var providerId: String
    public var providerName: String
    /// People on a confirmed lesson's list in the period.
    public var participants = 0
    /// Hours of the confirmed lessons times the people on their lists; followed plus absent.
    public var hoursOffered = 0
    public var hoursFollowed = 0
    public var hoursAbsent = 0
    /// Referrals waiting today without a start moment (referred or accepted).
    public var waiting = 0
    /// Referrals that started in the period, and their average days from referral to start.
    public var started = 0
    public var averageWait: Int?
    /// Referrals that ended in the period (route finished or stopped at the provider).
    public var ended = 0
    /// Referrals the provider refused in the period.
    public var refused = 0
    /// People for whom the provider advised a switch of route in the period.
    public var mismatch = 0
    /// People with an exam the provider reported passed in the period (not withdrawn).
    public var examsPassed = 0
}

extension FiguresStore {
    /// Per provider of the municipalities in view, its contract figures over the filter's period,
    /// with the filter's target group and gender; providers without any activity are listed too.
    public func contractFigures(_ f: FiguresFilter) async throws -> [ContractFigures] {
        let db = database.sql
        var persons: SQLQueryString = ""
        if !f.doelgroepen.isEmpty { persons += " AND p.doelgroep IN (\(binds: f.doelgroepen.map(\.rawValue)))" }
        switch f.gender {
        case "onbekend": persons += " AND p.details_pending = 1"
        case let gender?: persons += " AND p.gender = \(bind: gender) AND p.details_pending = 0"
        case nil: break
        }
        // Only a target-group or gender filter needs each row's person (at 240,000 list rows the join
        // alone was three quarters of the view's cost on SQLite: bench/README.md, "Issue 18").
        func people(_ column: String) -> SQLQueryString {
            f.doelgroepen.isEmpty && f.gender == nil ? "" : " JOIN persons p ON p.id = \(unsafeRaw: column)"
        }
        let from = f.from.iso, to = f.to.iso
        var figures: [String: ContractFigures] = [:]
        for row in try await db.raw("""
            SELECT id, name FROM providers v WHERE \(f.scope.municipalities("v.municipality_code", needs: .figures)) ORDER BY name, id
            """).all() {
            let id = try row.decode(column: "id", as: String.self)
            figures[id] = ContractFigures(providerId: id, providerName: try row.decode(column: "name", as: String.self))
        }
        guard !figures.isEmpty else { return [] }
        let ids = Array(figures.keys)
        func int(_ row: any SQLRow, _ column: String) throws -> Int { try row.decode(column: column, as: Int?.self) ?? 0 }
        for row in try await db.raw("""
            SELECT l.provider_id, COUNT(DISTINCT a.person_id) AS participants, SUM(l.hours) AS offered, SUM(a.hours) AS followed,
                SUM(CASE WHEN a.present = 0 THEN l.hours ELSE 0 END) AS absent
            FROM lesson_attendance a JOIN lessons l ON l.id = a.lesson_id\(people("a.person_id"))
            WHERE l.provider_id IN (\(binds: ids)) AND l.status = 'confirmed' AND l.lesson_date >= \(bind: from) AND l.lesson_date <= \(bind: to)\(persons)
            GROUP BY l.provider_id
            """).all() {
            let id = try row.decode(column: "provider_id", as: String.self)
            figures[id]?.participants = try int(row, "participants")
            figures[id]?.hoursOffered = try int(row, "offered")
            figures[id]?.hoursFollowed = try int(row, "followed")
            figures[id]?.hoursAbsent = try int(row, "absent")
        }
        var starts: [String: [Int]] = [:]
        for row in try await db.raw("""
            SELECT o.provider_id, r.status, r.start_id, r.referred_on, r.started_on, r.ended_on, r.answered_on
            FROM referrals r JOIN provider_offers o ON o.id = r.offer_id\(people("r.person_id"))
            WHERE o.provider_id IN (\(binds: ids))\(persons)
            """).all() {
            let id = try row.decode(column: "provider_id", as: String.self)
            let status = ReferralStatus(rawValue: try row.decode(column: "status", as: String.self))
            func day(_ column: String) throws -> CalendarDate? { try row.decode(column: column, as: String?.self).flatMap(CalendarDate.init(iso:)) }
            let inPeriod = { (d: CalendarDate?) in d.map { $0 >= f.from && $0 <= f.to } ?? false }
            if (status == .referred || status == .accepted), try row.decode(column: "start_id", as: String?.self) == nil { figures[id]?.waiting += 1 }
            if let startedOn = try day("started_on"), inPeriod(startedOn), let referredOn = try day("referred_on") {
                figures[id]?.started += 1
                starts[id, default: []].append(ReferralRule.waitingDays(referredOn: referredOn, startedOn: startedOn, today: f.today))
            }
            if status == .ended, inPeriod(try day("ended_on")) { figures[id]?.ended += 1 }
            if status == .refused, inPeriod(try day("answered_on")) { figures[id]?.refused += 1 }
        }
        for (id, waits) in starts where !waits.isEmpty {
            figures[id]?.averageWait = Int((Double(waits.reduce(0, +)) / Double(waits.count)).rounded())
        }
        for row in try await db.raw("""
            SELECT x.provider_id, COUNT(DISTINCT x.person_id) AS n FROM progress_reports x\(people("x.person_id"))
            WHERE x.provider_id IN (\(binds: ids)) AND x.advice = 'overstappen' AND x.reported_on >= \(bind: from) AND x.reported_on <= \(bind: to)\(persons)
            GROUP BY x.provider_id
            """).all() {
            figures[try row.decode(column: "provider_id", as: String.self)]?.mismatch = try int(row, "n")
        }
        for row in try await db.raw("""
            SELECT e.provider_id, COUNT(DISTINCT e.person_id) AS n FROM exam_results e\(people("e.person_id"))
            WHERE e.provider_id IN (\(binds: ids)) AND e.passed = 1 AND e.withdrawn_at IS NULL AND e.exam_date >= \(bind: from) AND e.exam_date <= \(bind: to)\(persons)
            GROUP BY e.provider_id
            """).all() {
            figures[try row.decode(column: "provider_id", as: String.self)]?.examsPassed = try int(row, "n")
        }
        return figures.values.sorted { ($0.providerName, $0.providerId) < ($1.providerName, $1.providerId) }
    }
}
