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
    // R13 — levering Statistiek Wet inburgering binnen 4 weken na het kwartaal; Wi2021 (gegevensverstrekking voor monitoring)
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
        /// R1b: a temporary exemption runs on the day asked.
        var exempt: Bool { facts.vrijgesteld(op: day) }
    }

    // R1/R1a/R1b — Wi2021 art. 15 lid 5; Besluit inburgering 2021 art. 5.3; SS139; DUO Vrijstelling API
    static func pipTerm(_ c: Context) -> [Term] {
        let firstPIP = c.facts.eerstePIPDagtekening
        guard let deadline = PIPDeadlineRule.deadline(for: c.facts) else { return [] }
        var flags: Set<TermFlag> = []
        if deadline.verlengdWegensDerden { flags.insert(.verlengdWegensDerden) }
        if deadline.verlengdWegensVrijstelling { flags.insert(.verlengdWegensVrijstelling) }
        if deadline.wachtOpDerden && firstPIP == nil { flags.insert(.wachtOpDerden) }
        if c.exempt && firstPIP == nil { flags.insert(.vrijgesteld) }
        return [make(.pipVaststelling, deadline.basis.start, deadline.deadline, completed: firstPIP, ended: c.closed,
                     context: c, flags: flags, suspended: flags.contains(.wachtOpDerden), held: flags.contains(.vrijgesteld))]
    }

    // R2/R10 — Wi2021 art. 11; DUO Inburgeringstermijn API; R7b — schakelen binnen 18 maanden
    static func inburgeringstermijnTerms(_ c: Context) -> [Term] {
        let basis = c.facts.eerstePIPDagtekening.map { InburgeringstermijnRule.basis(eerstePIPDagtekening: $0) }
        // DUO's registered term is the term from the day Regie knows it (R10: DUO decides extensions).
        let duo = c.facts.duoTermijn.map { Period(start: $0.start, end: $0.laatsteDag) }
        guard let termijn = duo ?? basis.map({ TermijnVerlengingRule.verleng($0, met: c.facts.verlengingen) }) else { return [] }
        let standard = InburgeringstermijnRule.duur.period(startingOn: termijn.start).end
        var flags: Set<TermFlag> = termijn.end > standard ? [.verlengd] : []
        if duo != nil { flags.insert(.volgensDUO) }
        if c.exempt { flags.insert(.vrijgesteld) }
        let completed = c.facts.afgesloten.flatMap { $0.einde.isVoldaan ? $0.datum : nil }
        var terms = [make(.inburgeringstermijn, termijn.start, termijn.end, completed: completed, ended: c.closed,
                          context: c, flags: flags, held: c.exempt)]
        let window = LeerrouteRules.schakelVenster(termijnStart: basis?.start ?? termijn.start)
        terms.append(make(.schakelVenster, window.start, window.end, completed: nil,
                          ended: c.closed || c.day > window.end, context: c))
        return terms
    }

    // R12 — start aanbod binnen 3 (onderwijsroute 6) maanden na het PIP; alleen asielstatushouders
    static func aanbodTerm(_ c: Context) -> [Term] {
        // The route of the first PIP sets the window, whatever route the case is on now.
        guard DoelgroepRechten.voor(c.facts.categorie, settings: c.settings).signaalTeLaatAanbod,
              let first = c.facts.eerstePIP else { return [] }
        let window = LateOfferRule.venster(eerstePIPDagtekening: first.dagtekening, route: first.leerroute)
        return [make(.aanbodStart, window.start, window.end, completed: c.facts.leerrouteStart, ended: c.closed, context: c,
                     flags: c.exempt ? [.vrijgesteld] : [], held: c.exempt)]
    }

    // R8/R8a — Participatiewet art. 56a en 57; Verzamelbrief 6-4-2023
    static func ontzorgenTerms(_ c: Context) -> [Term] {
        // The policy in force on the first day of bijstand decides the period and reviews (R8).
        var settings = c.settings
        if let beleid = c.facts.ontzorgenBeleid { settings.ontzorgen = beleid }
        guard let start = c.facts.bijstandStart,
              let plan = OntzorgenRule.plan(bijstandStart: start, categorie: c.facts.categorie, settings: settings) else { return [] }
        let applied = c.facts.ontzorgenBesloten ?? plan.standaardOntzorgd
        let extendedEnd = max(plan.periode.end, c.facts.ontzorgenVerlengdTot ?? plan.periode.end)
        let closedEarly = c.facts.ontzorgenBeeindigd.flatMap { $0 < extendedEnd ? $0 : nil }
        let end = closedEarly ?? extendedEnd
        guard applied else {
            return [make(.ontzorgenEinde, plan.periode.start, end, completed: nil, ended: true, context: c)]
        }
        let over = c.day > end || closedEarly != nil ? end : nil
        var terms = [make(.ontzorgenEinde, plan.periode.start, end, completed: over, ended: c.closed, context: c,
                          flags: extendedEnd != plan.periode.end ? [.verlengd] : [])]
        let held = c.facts.ontzorgenEvaluaties.sorted()
        var previous = start.adding(days: -1)
        for (index, due) in plan.evaluaties.enumerated() {
            let completed = index < held.count ? held[index] : nil
            // A review planned after ontzorgen was closed no longer applies.
            terms.append(make(.ontzorgenEvaluatie, previous.adding(days: 1), due, completed: completed,
                              ended: c.closed || closedEarly.map { $0 < due } == true, context: c, sequence: index + 1))
            previous = due
        }
        return terms
    }

    // R5b — Besluit inburgering 2021 art. 5.3; cadans uit PIP of instelling
    static func voortgangTerm(_ c: Context) -> [Term] {
        guard !c.closed, !c.exempt, let window = VoortgangRule.volgendGesprek(for: c.facts, cadans: c.settings.voortgang) else { return [] }
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
    /// overdue after the due date (unless suspended); due soon within the kind's window. A held term
    /// (no obligation while a temporary exemption runs, R1b) is neither due soon nor overdue.
    static func make(_ kind: TermKind, _ start: CalendarDate, _ due: CalendarDate, completed: CalendarDate?, ended: Bool,
                     context c: Context, flags: Set<TermFlag> = [], suspended: Bool = false, held: Bool = false,
                     sequence: Int? = nil, kwartaal: Kwartaal? = nil) -> Term {
        var flags = flags
        let daysLeft = c.day.days(until: due)
        let status: TermStatus
        if let completed, completed <= c.day {
            status = .met
            if completed > due { flags.insert(.teLaat) }
        } else if ended {
            status = .notApplicable
        } else if held {
            status = .open
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
        copy.duoTermijn = duoTermijn.flatMap { $0.bekendSinds <= day ? $0 : nil }
        copy.tijdelijkeVrijstellingen = tijdelijkeVrijstellingen.filter { $0.vanaf <= day }
        copy.ontzorgenBeeindigd = keep(ontzorgenBeeindigd)
        return copy
    }
}
