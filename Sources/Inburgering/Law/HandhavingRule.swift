/// Why no (further) enforcement step is proposed (R9).
public enum HandhavingsWeigering: Error, Hashable, Sendable {
    /// Every step of the ladder has been taken.
    case ladderDoorlopen
    /// A fine needs a recorded assessment of circumstances and culpability; there is none.
    case geenBeoordelingOmstandigheden
    /// The assessment lacks the municipality's efforts or the circumstances.
    case beoordelingOnvolledig
    /// The failure cannot be blamed on the person: no fine (Awb art. 5:41).
    case nietVerwijtbaar
    /// The municipality suspended fines for asylum permit holders.
    case boetesOpgeschortVoorAsielstatushouders
    /// "Not keeping to the PIP" without a fixed PIP: there are no agreements to breach.
    case geenPIP

    public var melding: String {
        switch self {
        case .ladderDoorlopen: "Alle stappen van de handhavingsladder zijn al gezet."
        case .geenBeoordelingOmstandigheden: "Geen boete zonder vastgelegde beoordeling van de omstandigheden en de verwijtbaarheid."
        case .beoordelingOnvolledig: "De beoordeling moet de inspanningen van de gemeente én de onderzochte omstandigheden vastleggen."
        case .nietVerwijtbaar: "De overtreding is niet verwijtbaar; een boete is dan niet toegestaan."
        case .boetesOpgeschortVoorAsielstatushouders: "De gemeente heeft boetes voor asielstatushouders opgeschort."
        case .geenPIP: "Er is geen vastgesteld PIP, dus geen afspraken die niet zijn nagekomen."
        }
    }
}

/// The next step the file supports.
public struct HandhavingsVoorstel: Hashable, Sendable {
    /// The step, with the amount already capped at the legal maximum.
    public let stap: HandhavingsStap
    /// 0-based position on the ladder.
    public let trede: Int
    /// The configured amount was above the legal maximum and was lowered.
    public let afgetopt: Bool
}

/// R9: the municipality's enforcement ladder.
public enum HandhavingRule: LegalRule {
    /// Legal maximum of a municipal fine, in cents (€ 800).
    public static let maximumBoeteCent = 80_000

    /// Caps a step's amount at the legal maximum.
    // R9 — Wi2021 (bestuurlijke boete college, ten hoogste € 800)
    public static func afgetopt(_ stap: HandhavingsStap) -> (stap: HandhavingsStap, afgetopt: Bool) {
        switch stap {
        case .waarschuwing: (stap, false)
        case .boete(let cents): (.boete(bedragCent: min(max(0, cents), maximumBoeteCent)), cents > maximumBoeteCent)
        case .boeteEnPIPZonderInbreng(let cents):
            (.boeteEnPIPZonderInbreng(bedragCent: min(max(0, cents), maximumBoeteCent)), cents > maximumBoeteCent)
        }
    }

    /// The next step on the ladder for this file, or why none may be proposed.
    // R9 — Awb art. 5:41 (geen boete zonder verwijtbaarheid) en 5:46 lid 2; rechtspraak: omstandigheden onderzoeken
    public static func volgendeStap(_ dossier: HandhavingsDossier, categorie: DoelgroepCategorie, pipVastgesteld: Bool,
                                    settings: HandhavingSettings = HandhavingSettings()) -> Result<HandhavingsVoorstel, HandhavingsWeigering> {
        // R9 — the fine is for not keeping to the PIP (Wi2021, bestuurlijke boete college): without a fixed PIP there is none.
        if dossier.overtreding == .nietNakomenPIP && !pipVastgesteld { return .failure(.geenPIP) }
        let index = dossier.gezetteStappen.count
        guard index < settings.ladder.count else { return .failure(.ladderDoorlopen) }
        let (stap, capped) = afgetopt(settings.ladder[index])
        if stap.isBoete {
            if categorie == .asielstatushouder && settings.boetesAsielstatushoudersOpschorten {
                return .failure(.boetesOpgeschortVoorAsielstatushouders)
            }
            guard let beoordeling = dossier.beoordeling else { return .failure(.geenBeoordelingOmstandigheden) }
            guard beoordeling.isVolledig else { return .failure(.beoordelingOnvolledig) }
            guard beoordeling.verwijtbaar else { return .failure(.nietVerwijtbaar) }
        }
        return .success(HandhavingsVoorstel(stap: stap, trede: index, afgetopt: capped))
    }

    public static let descriptions: [RuleDescription] = [
        RuleDescription(
            id: .r9, title: "Handhaving door de gemeente",
            text: "De gemeente kan een boete opleggen als iemand niet meewerkt aan de brede intake of zich niet aan een vastgesteld PIP houdt, van ten hoogste € 800; zonder vastgesteld PIP is er geen PIP om na te komen. De ladder stelt de gemeente zelf in (standaard: waarschuwing, € 250, € 250 en PIP vaststellen zonder inbreng). Een boete wordt pas voorgesteld als in het dossier staat wat de gemeente zelf heeft gedaan, welke omstandigheden zijn onderzocht en dat de overtreding verwijtbaar is. DUO beboet het verwijtbaar overschrijden van de termijn.",
            textEnglish: "The municipality may fine a person who does not take part in the broad intake or breaches a fixed PIP, up to € 800; without a fixed PIP there is no PIP to breach. The ladder is a municipal setting (default: warning, € 250, € 250 and the PIP set without input). A fine is proposed only when the file records the municipality's own efforts, the circumstances investigated, and that the failure was culpable. DUO fines culpably exceeding the term.",
            source: "Wi2021 (bestuurlijke boete college, max. € 800); Awb art. 5:41 en 5:46"),
    ]
}
