import Inburgering
import RegieStorage

/// How a statutory term reads in the interface. The term itself comes from the law module.
enum TermText {
    /// "nog 12 dagen", "1 dag te laat", "gehaald op 1 mei 2024", "te laat gehaald, op …".
    static func remaining(_ term: Term, _ t: Localizer) -> String {
        switch term.status {
        case .met:
            guard let completed = term.completedOn else { return "" }
            let date = DisplayDate.format(completed.iso, t.locale)
            guard term.flags.contains(.teLaat) else { return t("person.termMetOn", ["date": date]) }
            let late = term.due.days(until: completed)
            return t(late == 1 ? "person.termMetLateOne" : "person.termMetLate", ["days": String(late), "date": date])
        case .overdue: return t(term.daysLeft == -1 ? "person.termOverdueOne" : "person.termOverdue", ["days": String(-term.daysLeft)])
        case .notApplicable:
            // R7b: the switching window stays in view once closed, so the case shows when it closed.
            return term.kind == .schakelVenster ? t("person.termClosedOn", ["date": DisplayDate.format(term.due.iso, t.locale)]) : ""
        case .open, .dueSoon: return t(term.daysLeft == 1 ? "person.termDaysLeftOne" : "person.termDaysLeft", ["days": String(term.daysLeft)])
        }
    }

    /// The status word: for a term that was met, what happened in the kind's own word ("Vastgesteld",
    /// "Gestart", "Gehouden"…), so a late PIP reads "Vastgesteld, 14 dagen te laat", not "Gehaald".
    static func status(_ term: Term, _ t: Localizer) -> String {
        term.status == .met ? t("termMet.\(term.kind.rawValue)") : t("termStatus.\(term.status.rawValue)")
    }

    /// The row's style: a term met late is marked as such, not as a plain success.
    static func statusClass(_ term: Term) -> String {
        term.status == .met && term.flags.contains(.teLaat) ? "term--metLate" : "term--\(term.status.rawValue)"
    }

    /// The running term due first (overdue ones first, as they are due earliest), if any.
    static func next(_ terms: [Term]) -> Term? {
        NextTerm.pick(terms)
    }

    /// Terms that apply to the case, and the closed switching window while the case runs (R7b).
    static func shown(_ terms: [Term]) -> [Term] {
        let closed = terms.contains { $0.kind == .inburgeringstermijn && $0.status == .notApplicable }
        return terms.filter { $0.status != .notApplicable || ($0.kind == .schakelVenster && !closed) }
    }

    /// Why a term's dates are what they are: DUO's term and its ground, an exemption, third parties.
    static func note(_ term: Term, facts: TrajectFacts?, _ t: Localizer) -> String {
        var parts: [String] = []
        if term.flags.contains(.volgensDUO) {
            let ground = term.flags.contains(.verlengd) ? facts?.duoTermijn?.verlengingsgrond : nil
            parts.append(term.flags.contains(.verlengd)
                ? t("terms.flags.verlengdDoorDUO") + (ground.map { ": \($0)" } ?? "")
                : t("terms.flags.volgensDUO"))
        }
        for flag in [TermFlag.vrijgesteld, .verlengdWegensVrijstelling, .wachtOpDerden, .verlengdWegensDerden] where term.flags.contains(flag) {
            parts.append(t("terms.flags.\(flag.rawValue)"))
        }
        return parts.joined(separator: " · ")
    }
}
