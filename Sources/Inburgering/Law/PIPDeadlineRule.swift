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
}

/// R1: the PIP within 10 weeks; R1a: longer only while awaiting third parties.
public enum PIPDeadlineRule: LegalRule {
    public static let termijn = Termijn.weeks(10)
    public static let maximaleVerlengingNaOntvangst = Termijn.weeks(2)

    /// The day that starts the 10 weeks.
    // R1 — Wi2021 art. 15 lid 5; Besluit inburgering 2021 art. 5.3; DUO event SS139; seed 001:590
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

    public static func deadline(for facts: TrajectFacts) -> PIPDeadline? {
        guard let trigger = trigger(kennisgeving: facts.kennisgeving, brpInschrijving: facts.brpInschrijving,
                                    categorie: facts.categorie, duoTienWekenStart: facts.duoTienWekenStart) else { return nil }
        return deadline(trigger: trigger, wachtenOpDerden: facts.wachtenOpDerden)
    }

    // R1a — Besluit inburgering 2021 art. 5.3 (verdaging bij informatie van derden, max. 2 weken na ontvangst)
    public static func deadline(trigger: CalendarDate, wachtenOpDerden: [WachtenOpDerden]) -> PIPDeadline {
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
        return PIPDeadline(trigger: trigger, basis: basis, deadline: deadline,
                           verlengdWegensDerden: deadline > basis.end, wachtOpDerden: waiting)
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
    ]
}
