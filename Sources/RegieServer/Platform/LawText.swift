import Inburgering
import RegieCasework

/// How the law module's findings read in the interface, from the catalogue (nl and en). The law
/// module names the rule and carries the facts; the words live here, beside every other string.
public enum LawText {
    /// A gap in a PIP's content (R5, with R4 and R7d).
    public static func gap(_ gap: PIPInhoudGebrek, _ t: Localizer) -> String {
        let (key, arguments): (String, [String: String]) = switch gap {
        case .geenBegeleidingOfOndersteuning: ("noGuidance", [:])
        case .geenPVT: ("noPVT", [:])
        case .pvtMinderDanMinimum(let uren): ("pvtTooShort", ["hours": String(uren), "minimum": String(UrenRules.pvtMinimumUren)])
        case .geenMAP: ("noMAP", [:])
        case .mapMinderDanMinimum(let uren): ("mapTooShort", ["hours": String(uren), "minimum": String(UrenRules.mapMinimumPraktijkuren)])
        case .mapBijOnderwijsroute: ("mapWithEducation", [:])
        case .geenVVEAfspraak: ("noVVE", [:])
        case .geenVoortgangsgesprekken: ("noMeetings", [:])
        case .geenEinddoel: ("noGoal", [:])
        case .geenBezwaarclausule: ("noObjectionClause", [:])
        case .afwijkingZonderMotivering(let afwijking): (afwijking == .omhoog ? "deviationUp" : "deviationDown", [:])
        }
        return t("law.pip.\(key)", arguments)
    }

    /// A rule of DUO's PIP service a submission would break (R6).
    public static func violation(_ violation: PIPViolation, _ t: Localizer) -> String {
        let date = { (day: CalendarDate) in DisplayDate.format(day.iso, t.locale) }
        let (key, arguments): (String, [String: String]) = switch violation {
        case let .dagtekeningVoorStartInburgeringsplicht(d, start): ("beforeObligation", ["date": date(d), "other": date(start)])
        case let .dagtekeningVoorVestiging(d, vestiging): ("beforeSettling", ["date": date(d), "other": date(vestiging)])
        case let .dagtekeningVoorInitielePIP(d, initieel): ("beforeInitialPIP", ["date": date(d), "other": date(initieel)])
        case let .dagtekeningVoorHuidigePIP(d, huidig): ("beforeCurrentPIP", ["date": date(d), "other": date(huidig)])
        case .niveauNietToegestaan(let niveau): ("levelNotAllowed", ["level": niveau.rawValue])
        case .a2BijOnderwijsroute: ("a2WithEducation", [:])
        case .b1BijZRoute: ("b1WithZ", [:])
        case .a2BijB1RouteEerstePIP: ("a2FirstPIP", [:])
        case .intensiteitAlleenBijB1Route(let route): ("intensityRoute", ["route": t("routes.\(route.rawValue)")])
        case .intensiteitAlleenVoorAsielstatushouder: ("intensityGroup", [:])
        case .intensiteitBuitenBereik(let uren): ("intensityRange", ["hours": String(uren)])
        case .verwijderenNaStartTermijn: ("deleteAfterTerm", [:])
        }
        return t("law.duo.\(key)", arguments)
    }

    /// Why the enforcement ladder proposes no (further) step (R9).
    public static func refusal(_ refusal: HandhavingsWeigering, _ t: Localizer) -> String {
        t(refusal.messageKey)
    }

    /// A finding that stops a PIP from being fixed.
    public static func problem(_ problem: PIPProblem, _ t: Localizer) -> String {
        switch problem {
        case .content(let gap): Self.gap(gap, t)
        case .change(let gebrek, let dagtekening): change(gebrek, dagtekening: dagtekening, t)
        case .duo(let violation): Self.violation(violation, t)
        }
    }

    /// What a new PIP version changes that the law does not allow on its dagtekening (R7a, R7b).
    public static func change(_ gebrek: PIPWijzigingGebrek, dagtekening: CalendarDate, _ t: Localizer) -> String {
        let date = { (day: CalendarDate) in DisplayDate.format(day.iso, t.locale) }
        return switch gebrek {
        case .schakelVensterGesloten(let venster):
            t("law.change.windowClosed", ["start": date(venster.start), "end": date(venster.end), "date": date(dagtekening)])
        case .afschalenTeWeinigUren(let gevolgd, let nodig):
            t("law.change.afschalenHours", ["hours": String(gevolgd), "needed": String(nodig)])
        }
    }
}
