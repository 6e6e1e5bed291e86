/// The computed PIP deadline for a case (R1, R1a).
public struct PIPDeadline: Hashable, Sendable {
    /// The day that triggers the term: the later of kennisgeving and BRP registration.
    public let trigger: CalendarDate
    /// Trigger + 10 weeks.
    public let basis: Period
    /// The deadline after any extension for third-party information.
    public let deadline: CalendarDate
    /// The deadline was moved because third-party information arrived late.
    public let verlengdWegensDerden: Bool
    /// Information asked for before the deadline has not arrived yet: the term is on hold.
    public let wachtOpDerden: Bool
    /// The deadline was moved by the days a temporary exemption stopped the obligation (R1b); an
    /// exemption still running holds the term on the clock's day (`TrajectFacts.vrijgesteld(op:)`).
    public let verlengdWegensVrijstelling: Bool
}

/// R1: the PIP within 10 weeks; R1a: longer only while awaiting third parties.
public enum PIPDeadlineRule: LegalRule {
    public static let termijn = Termijn.weeks(10)
    public static let maximaleVerlengingNaOntvangst = Termijn.weeks(2)

    /// The day that starts the 10 weeks.
    // R1 — Wi2021 art. 15 lid 5; Besluit inburgering 2021 art. 5.3; DUO event SS139
    public static func trigger(kennisgeving: CalendarDate?, brpInschrijving: CalendarDate?,
                               categorie: DoelgroepCategorie, duoTienWekenStart: CalendarDate? = nil) -> CalendarDate? {
        switch (kennisgeving, brpInschrijving) {
        case let (k?, b?): return max(k, b)
        case let (k?, nil):
            // A gezinsmigrant is already registered; an asylum permit holder's clock waits for housing.
            return categorie == .gezinsmigrantEnOverig ? k : duoTienWekenStart
        case (nil, _):
            return duoTienWekenStart
        }
    }

    /// The BRP registration that counts for the term: the registration in the municipality that
    /// directs the case. A registration elsewhere (before a move, or after one) starts nothing here.
    // R1 — Wi2021 art. 15 lid 5 (inschrijving in de basisregistratie personen van de gemeente)
    public static func brpInschrijving(gemeenteVanInschrijving: String?, ingeschrevenOp: CalendarDate?, regieGemeente: String) -> CalendarDate? {
        gemeenteVanInschrijving == regieGemeente ? ingeschrevenOp : nil
    }

    public static func deadline(for facts: TrajectFacts) -> PIPDeadline? {
        guard let trigger = trigger(kennisgeving: facts.kennisgeving, brpInschrijving: facts.brpInschrijving,
                                    categorie: facts.categorie, duoTienWekenStart: facts.duoTienWekenStart) else { return nil }
        return deadline(trigger: trigger, wachtenOpDerden: facts.wachtenOpDerden, vrijstellingen: facts.tijdelijkeVrijstellingen)
    }

    // R1a — Besluit inburgering 2021 art. 5.3 (verdaging bij informatie van derden, max. 2 weken na ontvangst)
    // R1b — DUO Vrijstelling API (TijdelijkeVrijstelling), events SS109/SS129/SS130: no obligation, no running term
    public static func deadline(trigger: CalendarDate, wachtenOpDerden: [WachtenOpDerden],
                                vrijstellingen: [TijdelijkeVrijstellingFeit] = []) -> PIPDeadline {
        let basis = termijn.period(afterTrigger: trigger)
        // Only requests made before the deadline passed can hold it.
        let relevant = wachtenOpDerden.filter { $0.gevraagd <= basis.end }
        var deadline = basis.end
        for request in relevant {
            if let received = request.ontvangen {
                deadline = max(deadline, maximaleVerlengingNaOntvangst.period(afterTrigger: received).end)
            }
        }
        let waiting = relevant.contains { $0.ontvangen == nil }
        let afterDerden = deadline
        // While a temporary exemption runs there is no obligation: the days it covers inside the running
        // term are added, so the term resumes where it stopped when the obligation returns. A new start
        // DUO reports afterwards (SS139) is a later trigger and needs no shift.
        for vrijstelling in vrijstellingen.sorted(by: { $0.vanaf < $1.vanaf }) where vrijstelling.vanaf <= deadline {
            guard let tot = vrijstelling.tot else { continue }
            let from = max(vrijstelling.vanaf, basis.start)
            guard tot >= from else { continue }
            deadline = deadline.adding(days: from.days(until: tot) + 1)
        }
        return PIPDeadline(trigger: trigger, basis: basis, deadline: deadline,
                           verlengdWegensDerden: afterDerden > basis.end, wachtOpDerden: waiting,
                           verlengdWegensVrijstelling: deadline > afterDerden)
    }

    public static let descriptions: [RuleDescription] = [
        RuleDescription(
            id: .r1, title: "PIP binnen 10 weken",
            text: "De gemeente stelt het PIP vast binnen 10 weken na de kennisgeving van DUO, of na de inschrijving in de BRP van de gemeente als die later is. De termijn begint de dag na die gebeurtenis; de uiterste datum is de gebeurtenis + 70 dagen.",
            textEnglish: "The municipality fixes the PIP within 10 weeks of DUO's notice, or of registration in the municipality's population register if that is later. The term starts the day after; the last day is the event + 70 days.",
            source: "Wi2021 art. 15 lid 5; Besluit inburgering 2021 art. 5.3; DUO gebeurtenis SS139"),
        RuleDescription(
            id: .r1a, title: "Langer alleen bij wachten op derden",
            text: "Wacht de gemeente op informatie van derden die nodig is voor het PIP, dan mag het langer duren, maar uiterlijk 2 weken nadat die informatie binnen is. Alleen een verzoek dat vóór het verstrijken van de 10 weken is gedaan telt.",
            textEnglish: "While the municipality awaits third-party information the PIP needs, the term is held, but the PIP is due at most 2 weeks after the information arrives. Only a request made before the 10 weeks ran out counts.",
            source: "Besluit inburgering 2021 art. 5.3"),
        RuleDescription(
            id: .r1b, title: "Geen termijn tijdens een tijdelijke vrijstelling",
            text: "Zolang DUO een tijdelijke vrijstelling heeft toegekend, is er geen inburgeringsplicht en loopt geen termijn die uit de plicht volgt: het PIP, de start van het aanbod en de voortgangsgesprekken wachten. Eindigt de vrijstelling, dan loopt de termijn voor het PIP verder met de dagen die nog over waren, tenzij DUO een nieuwe start meldt.",
            textEnglish: "While DUO has granted a temporary exemption there is no integration obligation and no term that follows from it runs: the PIP, the start of the offer and the progress meetings wait. When the exemption ends the PIP term continues with the days that were left, unless DUO reports a new start.",
            source: "DUO Vrijstelling API (TijdelijkeVrijstelling); DUO gebeurtenissen SS109, SS129 en SS130"),
    ]
}
