import Inburgering
import RegieStorage

/// How a statutory term reads in the interface. The term itself comes from the law module.
enum TermText {
    /// "nog 12 dagen", "1 dag te laat", "gehaald op 1 mei 2024", "te laat gehaald, op …".
    static func remaining(_ term: Term, _ t: Catalogue, _ locale: UILocale) -> String {
        switch term.status {
        case .met:
            let key = term.flags.contains(.teLaat) ? "person.termMetLateOn" : "person.termMetOn"
            return term.completedOn.map { t.text(key, locale, ["date": DisplayDate.format($0.iso, locale)]) } ?? ""
        case .overdue: return t.text(term.daysLeft == -1 ? "person.termOverdueOne" : "person.termOverdue", locale, ["days": String(-term.daysLeft)])
        case .notApplicable: return ""
        case .open, .dueSoon: return t.text(term.daysLeft == 1 ? "person.termDaysLeftOne" : "person.termDaysLeft", locale, ["days": String(term.daysLeft)])
        }
    }

    /// The running term due first (overdue ones first, as they are due earliest), if any.
    static func next(_ terms: [Term]) -> Term? {
        NextTerm.pick(terms)
    }

    /// Terms that apply to the case.
    static func shown(_ terms: [Term]) -> [Term] {
        terms.filter { $0.status != .notApplicable }
    }
}
