/// Something a PIP lacks or gets wrong in content (R5, with R4 and R7d folded in).
public enum PIPInhoudGebrek: Hashable, Sendable {
    case geenBegeleidingOfOndersteuning
    case geenPVT
    /// The PVT lasts at least 12 hours.
    case pvtMinderDanMinimum(uren: Int)
    case geenMAP
    /// The MAP has at least 40 practice hours.
    case mapMinderDanMinimum(praktijkuren: Int)
    /// The onderwijsroute has no MAP.
    case mapBijOnderwijsroute
    case geenVVEAfspraak
    case geenVoortgangsgesprekken
    case geenEinddoel
    case geenBezwaarclausule
    /// The route deviates from the LBT without a reason (R4).
    case afwijkingZonderMotivering(RouteAfwijking)

    public var rule: RuleID {
        switch self {
        case .afwijkingZonderMotivering: .r4
        case .pvtMinderDanMinimum, .mapMinderDanMinimum, .mapBijOnderwijsroute: .r7d
        default: .r5
        }
    }

    public var melding: String {
        switch self {
        case .geenBegeleidingOfOndersteuning: "Het PIP beschrijft niet welke begeleiding en ondersteuning de gemeente biedt."
        case .geenPVT: "Het PIP beschrijft de invulling en intensiteit van het PVT niet."
        case .pvtMinderDanMinimum(let uren): "Het PVT duurt minimaal \(UrenRules.pvtMinimumUren) uur; het PIP noemt \(uren) uur."
        case .geenMAP: "Het PIP beschrijft de invulling en intensiteit van de MAP niet."
        case .mapMinderDanMinimum(let uren): "De MAP heeft minimaal \(UrenRules.mapMinimumPraktijkuren) praktijkuren; het PIP noemt \(uren) uur."
        case .mapBijOnderwijsroute: "De onderwijsroute kent geen MAP."
        case .geenVVEAfspraak: "Het PIP bevat geen afspraak over voor- en vroegschoolse educatie (of dat die niet van toepassing is)."
        case .geenVoortgangsgesprekken: "Het PIP noemt niet hoeveel voortgangsgesprekken er komen."
        case .geenEinddoel: "Het PIP noemt geen einddoel (werk, onderwijs of zelfredzaamheid)."
        case .geenBezwaarclausule: "Het PIP is een beschikking en moet de bezwaarclausule bevatten."
        case .afwijkingZonderMotivering(let afwijking):
            afwijking == .omhoog
                ? "De gekozen route is hoger dan de leerbaarheidstoets aangeeft; de reden ontbreekt in het PIP."
                : "De Z-route is gekozen terwijl de B1-route haalbaar is volgens de leerbaarheidstoets; de reden ontbreekt in het PIP."
        }
    }
}

/// R5: what a PIP must contain.
public enum PIPContentRule: LegalRule {
    // R5 — Wi2021 art. 15; Besluit inburgering 2021 art. 5.3
    public static func gebreken(_ pip: PIP, toets: Leerbaarheidstoets?) -> [PIPInhoudGebrek] {
        var found: [PIPInhoudGebrek] = []
        if pip.begeleiding.trimmingWhitespace.isEmpty && pip.ondersteuning.trimmingWhitespace.isEmpty {
            found.append(.geenBegeleidingOfOndersteuning)
        }
        if let pvt = pip.pvt {
            if pvt.uren < UrenRules.pvtMinimumUren { found.append(.pvtMinderDanMinimum(uren: pvt.uren)) }
        } else {
            found.append(.geenPVT)
        }
        switch (pip.leerroute, pip.map) {
        case (.onderwijs, .some): found.append(.mapBijOnderwijsroute)
        case (.onderwijs, .none): break
        case (_, .none): found.append(.geenMAP)
        case (_, .some(let map)):
            if map.praktijkuren < UrenRules.mapMinimumPraktijkuren { found.append(.mapMinderDanMinimum(praktijkuren: map.praktijkuren)) }
        }
        if pip.vve == nil { found.append(.geenVVEAfspraak) }
        if (pip.aantalVoortgangsgesprekken ?? 0) < 1 && pip.voortgangCadansMaanden == nil { found.append(.geenVoortgangsgesprekken) }
        if pip.einddoel == nil { found.append(.geenEinddoel) }
        if !pip.bevatBezwaarclausule { found.append(.geenBezwaarclausule) }
        // R4 — afwijking van de LBT motiveren (Besluit, nota van toelichting art. 2.3.3)
        let afwijking = RouteDeviationRule.afwijking(route: pip.leerroute, toets: toets)
        if RouteDeviationRule.mistMotivering(pip, toets: toets) { found.append(.afwijkingZonderMotivering(afwijking)) }
        return found
    }

    public static let descriptions: [RuleDescription] = [
        RuleDescription(
            id: .r5, title: "Inhoud van het PIP",
            text: "Het PIP bevat: de leerroute en het niveau (A2 of B1), de begeleiding en ondersteuning van de gemeente, de invulling en intensiteit van PVT en MAP, afspraken over voor- en vroegschoolse educatie, het aantal voortgangsgesprekken, het einddoel (werk, onderwijs of zelfredzaamheid) en de bezwaarclausule. Elke versie wordt bewaard.",
            textEnglish: "The PIP contains: the route and level (A2 or B1), the municipality's guidance and support, content and intensity of PVT and MAP, agreements on pre-school education, the number of progress meetings, the goal (work, education or self-reliance) and the objection clause. Every version is kept.",
            source: "Wi2021 art. 15; Besluit inburgering 2021 art. 5.3; DUO PIP API"),
    ]
}
