/// R11: the obligation: from the residence right, ends at AOW age.
public enum InburgeringsplichtRule: LegalRule {
    /// Formal minimum age of the obligation.
    public static let minimumLeeftijd = 16
    /// Age from which municipalities start in practice.
    public static let praktijkLeeftijd = 18
    /// DUO sends SS128 when AOW age is reached within 6 months of a new obligation.
    public static let aowSignaal = Termijn.months(6)

    /// The day the obligation ends because of AOW age.
    // R11 — Wi2021 art. 3 (inburgeringsplicht tot de pensioengerechtigde leeftijd); AOW art. 7a; DUO gebeurtenis SS128
    public static func eindeWegensAOW(geboortedatum: CalendarDate) -> CalendarDate {
        AOWLeeftijd.datum(geboortedatum: geboortedatum)
    }

    /// From this day on, AOW age is less than 6 months away (DUO's SS128 window).
    public static func aowSignaalVanaf(geboortedatum: CalendarDate) -> CalendarDate {
        eindeWegensAOW(geboortedatum: geboortedatum).adding(months: -aowSignaal.count)
    }

    /// Whether the person is of an age that carries the obligation on `day`.
    public static func heeftPlichtigeLeeftijd(geboortedatum: CalendarDate, op day: CalendarDate) -> Bool {
        Inburgeraar.age(born: geboortedatum, on: day) >= minimumLeeftijd && day < eindeWegensAOW(geboortedatum: geboortedatum)
    }

    /// Why a case may not be closed for the reason and day given.
    public enum AfsluitGebrek: Hashable, Sendable {
        /// R11: closing for AOW age before the day the person reaches it (or without a birth date).
        case aowLeeftijdNietBereikt(aowDatum: CalendarDate?)
    }

    /// Checks a closing against the facts the law decides: the obligation ends at AOW age on the day
    /// Regie computes from the birth date, not on a day the case worker picks.
    // R11 — Wi2021 art. 3; Algemene Ouderdomswet art. 7a
    public static func afsluiten(_ einde: TrajectEinde, op day: CalendarDate, geboortedatum: CalendarDate?) -> AfsluitGebrek? {
        guard einde == .aowLeeftijd else { return nil }
        guard let geboortedatum else { return .aowLeeftijdNietBereikt(aowDatum: nil) }
        let aow = eindeWegensAOW(geboortedatum: geboortedatum)
        return day >= aow ? nil : .aowLeeftijdNietBereikt(aowDatum: aow)
    }

    public static let descriptions: [RuleDescription] = [
        RuleDescription(
            id: .r11, title: "Begin en einde van de inburgeringsplicht",
            text: "De plicht begint bij de bekendmaking van het verblijfsrecht door de IND; formeel vanaf 16 jaar, in de praktijk vanaf 18. De plicht eindigt op de dag dat iemand de AOW-leeftijd bereikt (DUO meldt SS128 als dat binnen 6 maanden is); Regie berekent die dag uit de geboortedatum en sluit een dossier om die reden niet eerder af. Vrijstelling (AVI, DIP, DOC, GED, INB, INS, OPL) en ontheffing (MED, BIO) zijn besluiten van DUO.",
            textEnglish: "The obligation starts when the IND announces the residence right; formally from age 16, in practice from 18. It ends on the day the person reaches state pension age (DUO sends SS128 when that is within 6 months); Regie computes that day from the birth date and does not close a case for that reason any earlier. Exemptions (AVI, DIP, DOC, GED, INB, INS, OPL) and ontheffing (MED, BIO) are DUO's decisions.",
            source: "Wi2021 art. 3; Algemene Ouderdomswet art. 7a; DUO Vrijstelling en Ontheffing API; DUO gebeurtenis SS128"),
    ]
}
