/// Computes every running statutory term of a case from its facts, the municipality's settings and
/// the day asked. Pure: the same input always gives the same output, and asking about a past day
/// only uses what had happened by then.
public enum StatutoryClock {
    /// All terms for one case on `day`, sorted by due date.
    public static func terms(for facts: TrajectFacts, settings: MunicipalityLawSettings = .standaard,
                             on day: CalendarDate) -> [Term] {
        let facts = facts.asOf(day)
        let context = Context(facts: facts, settings: settings, day: day)
        var terms: [Term] = []
        terms += pipTerm(context)
        terms += inburgeringstermijnTerms(context)
        terms += aanbodTerm(context)
        terms += ontzorgenTerms(context)
        terms += voortgangTerm(context)
        terms += aowTerm(context)
        return terms.sorted { ($0.due, $0.kind.rule, $0.sequence ?? 0) < ($1.due, $1.kind.rule, $1.sequence ?? 0) }
    }

    /// All terms for a recorded case.
    public static func terms(for traject: Traject, settings: MunicipalityLawSettings = .standaard,
                             on day: CalendarDate) -> [Term] {
        terms(for: traject.facts, settings: settings, on: day)
    }

    /// The municipality's CBS deliveries (R13) for every quarter from `vanaf` up to the last completed
    /// quarter before `day`. `geleverd` maps a quarter to the day it was delivered.
    // R13 — levering Statistiek Wet inburgering binnen 4 weken na het kwartaal; domain.md R13
    public static func cbsTerms(geleverd: [Kwartaal: CalendarDate], vanaf: Kwartaal? = nil,
                                settings: MunicipalityLawSettings = .standaard, on day: CalendarDate) -> [Term] {
        let last = Kwartaal(containing: day).vorige
        var quarter = min(vanaf ?? last, last)
        var terms: [Term] = []
        while quarter <= last {
            let window = CBSLeveringRule.leverVenster(quarter)
            let delivered = geleverd[quarter].flatMap { $0 <= day ? $0 : nil }
            terms.append(make(.cbsLevering, window.start, window.end, completed: delivered, ended: false,
                              context: Context(facts: TrajectFacts(categorie: .gezinsmigrantEnOverig), settings: settings, day: day),
                              kwartaal: quarter))
            quarter = Kwartaal(unchecked: quarter.nummer == 4 ? quarter.jaar + 1 : quarter.jaar, quarter.nummer == 4 ? 1 : quarter.nummer + 1)
        }
        return terms
    }

    // MARK: - Per kind

    struct Context {
        let facts: TrajectFacts
        let settings: MunicipalityLawSettings
        let day: CalendarDate
        var closed: Bool { facts.afgesloten != nil }
    }

    // R1/R1a — Wi2021 art. 15 lid 5; Besluit inburgering 2021 art. 5.3; SS139
    static func pipTerm(_ c: Context) -> [Term] {
        let firstPIP = c.facts.eerstePIPDagtekening
        guard let deadline = PIPDeadlineRule.deadline(for: c.facts) else { return [] }
        var flags: Set<TermFlag> = []
        if deadline.verlengdWegensDerden { flags.insert(.verlengdWegensDerden) }
        if deadline.wachtOpDerden && firstPIP == nil { flags.insert(.wachtOpDerden) }
        return [make(.pipVaststelling, deadline.basis.start, deadline.deadline, completed: firstPIP, ended: c.closed,
                     context: c, flags: flags, suspended: flags.contains(.wachtOpDerden))]
    }

    // R2/R10 — Wi2021 art. 11; R7b — schakelen binnen 18 maanden
    static func inburgeringstermijnTerms(_ c: Context) -> [Term] {
        guard let firstPIP = c.facts.eerstePIPDagtekening else { return [] }
        let basis = InburgeringstermijnRule.basis(eerstePIPDagtekening: firstPIP)
        let termijn = TermijnVerlengingRule.verleng(basis, met: c.facts.verlengingen)
        let completed = c.facts.afgesloten.flatMap { $0.einde.isVoldaan ? $0.datum : nil }
        var terms = [make(.inburgeringstermijn, termijn.start, termijn.end, completed: completed, ended: c.closed,
                          context: c, flags: termijn.end != basis.end ? [.verlengd] : [])]
        let window = LeerrouteRules.schakelVenster(termijnStart: basis.start)
        terms.append(make(.schakelVenster, window.start, window.end, completed: nil,
                          ended: c.closed || c.day > window.end, context: c))
        return terms
    }

    // R12 — start aanbod binnen 3 (onderwijsroute 6) maanden na het PIP; alleen asielstatushouders
    static func aanbodTerm(_ c: Context) -> [Term] {
        guard DoelgroepRechten.voor(c.facts.categorie, settings: c.settings).signaalTeLaatAanbod,
              let first = c.facts.pips.min(by: { $0.dagtekening < $1.dagtekening }) else { return [] }
        let window = LateOfferRule.venster(eerstePIPDagtekening: first.dagtekening, route: first.leerroute)
        return [make(.aanbodStart, window.start, window.end, completed: c.facts.leerrouteStart, ended: c.closed, context: c)]
    }

    // R8/R8a — Participatiewet art. 56a en 57; Verzamelbrief 6-4-2023
    static func ontzorgenTerms(_ c: Context) -> [Term] {
        guard let start = c.facts.bijstandStart,
              let plan = OntzorgenRule.plan(bijstandStart: start, categorie: c.facts.categorie, settings: c.settings) else { return [] }
        let applied = c.facts.ontzorgenBesloten ?? plan.standaardOntzorgd
        let end = max(plan.periode.end, c.facts.ontzorgenVerlengdTot ?? plan.periode.end)
        guard applied else {
            return [make(.ontzorgenEinde, plan.periode.start, end, completed: nil, ended: true, context: c)]
        }
        let over = c.day > end ? end : nil
        var terms = [make(.ontzorgenEinde, plan.periode.start, end, completed: over, ended: c.closed, context: c,
                          flags: end != plan.periode.end ? [.verlengd] : [])]
        let held = c.facts.ontzorgenEvaluaties.sorted()
        var previous = start.adding(days: -1)
        for (index, due) in plan.evaluaties.enumerated() {
            let completed = index < held.count ? held[index] : nil
            terms.append(make(.ontzorgenEvaluatie, previous.adding(days: 1), due, completed: completed,
                              ended: c.closed, context: c, sequence: index + 1))
            previous = due
        }
        return terms
    }

    // R5b — Besluit inburgering 2021 art. 5.3; cadans uit PIP of instelling
    static func voortgangTerm(_ c: Context) -> [Term] {
        guard !c.closed, let window = VoortgangRule.volgendGesprek(for: c.facts, cadans: c.settings.voortgang) else { return [] }
        return [make(.voortgangsgesprek, window.start, window.end, completed: nil, ended: false, context: c)]
    }

    // R11 — inburgeringsplicht eindigt bij AOW-leeftijd; AOW art. 7a; SS128
    static func aowTerm(_ c: Context) -> [Term] {
        guard let born = c.facts.geboortedatum else { return [] }
        let aow = InburgeringsplichtRule.eindeWegensAOW(geboortedatum: born)
        let horizonBase = max(c.day, InburgeringstermijnRule.termijn(for: c.facts)?.end ?? c.day)
        guard aow <= horizonBase.adding(years: 3) else { return [] }
        let flags: Set<TermFlag> = AOWLeeftijd.isVoorlopig(geboortedatum: born) ? [.voorlopig] : []
        let reached = aow <= c.day ? aow : nil
        let endedOtherwise = c.facts.afgesloten.map { $0.einde != .aowLeeftijd && $0.datum < aow } ?? false
        return [make(.aowLeeftijd, InburgeringsplichtRule.aowSignaalVanaf(geboortedatum: born), aow, completed: reached,
                     ended: endedOtherwise, context: c, flags: flags)]
    }

    // MARK: - Status

    /// Status on the context's day: met when completed by then; not applicable when the case ended;
    /// overdue after the due date (unless on hold); due soon within the kind's window.
    static func make(_ kind: TermKind, _ start: CalendarDate, _ due: CalendarDate, completed: CalendarDate?, ended: Bool,
                     context c: Context, flags: Set<TermFlag> = [], suspended: Bool = false,
                     sequence: Int? = nil, kwartaal: Kwartaal? = nil) -> Term {
        var flags = flags
        let daysLeft = c.day.days(until: due)
        let status: TermStatus
        if let completed, completed <= c.day {
            status = .met
            if completed > due { flags.insert(.teLaat) }
        } else if ended {
            status = .notApplicable
        } else if daysLeft < 0 {
            status = suspended ? .open : .overdue
        } else if daysLeft <= c.settings.dueSoon.days(for: kind) {
            status = .dueSoon
        } else {
            status = .open
        }
        return Term(kind: kind, start: start, due: due, status: status, daysLeft: daysLeft,
                    completedOn: status == .met ? completed : nil, flags: flags, sequence: sequence, kwartaal: kwartaal)
    }
}

extension TrajectFacts {
    /// The facts as they stood at the end of `day`: anything dated later is left out.
    public func asOf(_ day: CalendarDate) -> TrajectFacts {
        func keep(_ date: CalendarDate?) -> CalendarDate? { date.flatMap { $0 <= day ? $0 : nil } }
        var copy = self
        copy.kennisgeving = keep(kennisgeving)
        copy.brpInschrijving = keep(brpInschrijving)
        copy.duoTienWekenStart = keep(duoTienWekenStart)
        copy.koppeling = keep(koppeling)
        copy.wachtenOpDerden = wachtenOpDerden.filter { $0.gevraagd <= day }.map {
            WachtenOpDerden(gevraagd: $0.gevraagd, ontvangen: keep($0.ontvangen))
        }
        copy.pips = pips.filter { $0.dagtekening <= day }
        copy.leerrouteStart = keep(leerrouteStart)
        copy.verlengingen = verlengingen.filter { $0.besluitdatum <= day }
        copy.bijstandStart = keep(bijstandStart)
        copy.ontzorgenEvaluaties = ontzorgenEvaluaties.filter { $0 <= day }
        copy.voortgangsgesprekken = voortgangsgesprekken.filter { $0 <= day }
        copy.afgesloten = afgesloten.flatMap { $0.datum <= day ? $0 : nil }
        return copy
    }
}
