/// How many days before a due date a term counts as "due soon", per kind of term.
public struct DueSoonWindows: Hashable, Codable, Sendable {
    public var pipVaststelling: Int
    public var inburgeringstermijn: Int
    public var schakelVenster: Int
    public var aanbodStart: Int
    public var ontzorgenEinde: Int
    public var ontzorgenEvaluatie: Int
    public var voortgangsgesprek: Int
    public var aowLeeftijd: Int
    public var cbsLevering: Int

    public init(pipVaststelling: Int = 14, inburgeringstermijn: Int = 90, schakelVenster: Int = 60, aanbodStart: Int = 21,
                ontzorgenEinde: Int = 30, ontzorgenEvaluatie: Int = 14, voortgangsgesprek: Int = 14,
                aowLeeftijd: Int = 183, cbsLevering: Int = 14) {
        self.pipVaststelling = pipVaststelling
        self.inburgeringstermijn = inburgeringstermijn
        self.schakelVenster = schakelVenster
        self.aanbodStart = aanbodStart
        self.ontzorgenEinde = ontzorgenEinde
        self.ontzorgenEvaluatie = ontzorgenEvaluatie
        self.voortgangsgesprek = voortgangsgesprek
        self.aowLeeftijd = aowLeeftijd
        self.cbsLevering = cbsLevering
    }

    public func days(for kind: TermKind) -> Int {
        switch kind {
        case .pipVaststelling: pipVaststelling
        case .inburgeringstermijn: inburgeringstermijn
        case .schakelVenster: schakelVenster
        case .aanbodStart: aanbodStart
        case .ontzorgenEinde: ontzorgenEinde
        case .ontzorgenEvaluatie: ontzorgenEvaluatie
        case .voortgangsgesprek: voortgangsgesprek
        case .aowLeeftijd: aowLeeftijd
        case .cbsLevering: cbsLevering
        }
    }
}

/// Progress-meeting cadence (configurable; default every 3 months in year 1, then every 6, as is common practice).
public struct VoortgangCadans: Hashable, Codable, Sendable {
    /// Months between meetings in the first year of the inburgeringstermijn.
    public var eersteJaarMaanden: Int
    /// Months between meetings afterwards.
    public var daarnaMaanden: Int

    public init(eersteJaarMaanden: Int = 3, daarnaMaanden: Int = 6) {
        self.eersteJaarMaanden = eersteJaarMaanden
        self.daarnaMaanden = daarnaMaanden
    }
}

/// The municipality's ontzorgen policy since the Verzamelbrief of 6-4-2023.
public enum OntzorgenBeleid: String, CaseIterable, Codable, Sendable {
    /// Everyone on bijstand is ontzorgd unless the municipality decides otherwise for the person.
    case jaTenzij
    /// Nobody is ontzorgd unless the municipality decides it is needed.
    case neeTenzij
}

public struct OntzorgenSettings: Hashable, Codable, Sendable {
    public var beleid: OntzorgenBeleid
    public var rekeningen: Set<OntzorgRekening>
    /// Length of ontzorgen in months (statutory standard: 6).
    public var duurMaanden: Int
    /// Reviews (extension decision) after these numbers of months; in practice reviews fall at 2–3 and 5 months (extension: Participatiewet art. 57).
    public var evaluatieNaMaanden: [Int]

    public init(beleid: OntzorgenBeleid = .jaTenzij, rekeningen: Set<OntzorgRekening> = OntzorgRekening.wettelijkeStandaard,
                duurMaanden: Int = 6, evaluatieNaMaanden: [Int] = [2, 5]) {
        self.beleid = beleid
        self.rekeningen = rekeningen
        self.duurMaanden = duurMaanden
        self.evaluatieNaMaanden = evaluatieNaMaanden
    }
}

public struct HandhavingSettings: Hashable, Codable, Sendable {
    /// The ladder, climbed one step per repeated breach (default: warning → €250 → €250 and PIP without input).
    public var ladder: [HandhavingsStap]
    /// Suspend fines for asylum permit holders while their legal position is unsettled (a 2025 judgment of the EU Court of Justice).
    public var boetesAsielstatushoudersOpschorten: Bool

    public init(ladder: [HandhavingsStap] = [.waarschuwing, .boete(bedragCent: 25_000), .boeteEnPIPZonderInbreng(bedragCent: 25_000)],
                boetesAsielstatushoudersOpschorten: Bool = false) {
        self.ladder = ladder
        self.boetesAsielstatushoudersOpschorten = boetesAsielstatushoudersOpschorten
    }
}

/// Everything a municipality may set about the law's application. Defaults follow the law and common practice.
public struct MunicipalityLawSettings: Hashable, Codable, Sendable {
    public var dueSoon: DueSoonWindows
    public var voortgang: VoortgangCadans
    public var ontzorgen: OntzorgenSettings
    public var handhaving: HandhavingSettings
    /// Z-route participation hours required of gezinsmigranten; nil = not required (the default).
    public var zRouteParticipatieurenGezinsmigrant: Int?
    /// The onderwijsroute is advised below this age (default 27, common practice).
    public var onderwijsrouteLeeftijdsgrens: Int
    /// When absence from lessons becomes a signal for the consulent (the attendance register).
    public var aanwezigheid: AanwezigheidSettings

    public init(dueSoon: DueSoonWindows = DueSoonWindows(), voortgang: VoortgangCadans = VoortgangCadans(),
                ontzorgen: OntzorgenSettings = OntzorgenSettings(), handhaving: HandhavingSettings = HandhavingSettings(),
                zRouteParticipatieurenGezinsmigrant: Int? = nil, onderwijsrouteLeeftijdsgrens: Int = 27,
                aanwezigheid: AanwezigheidSettings = AanwezigheidSettings()) {
        self.dueSoon = dueSoon
        self.voortgang = voortgang
        self.ontzorgen = ontzorgen
        self.handhaving = handhaving
        self.zRouteParticipatieurenGezinsmigrant = zRouteParticipatieurenGezinsmigrant
        self.onderwijsrouteLeeftijdsgrens = onderwijsrouteLeeftijdsgrens
        self.aanwezigheid = aanwezigheid
    }

    /// Settings saved before a part existed read that part's defaults.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            dueSoon: try c.decode(DueSoonWindows.self, forKey: .dueSoon), voortgang: try c.decode(VoortgangCadans.self, forKey: .voortgang),
            ontzorgen: try c.decode(OntzorgenSettings.self, forKey: .ontzorgen), handhaving: try c.decode(HandhavingSettings.self, forKey: .handhaving),
            zRouteParticipatieurenGezinsmigrant: try c.decodeIfPresent(Int.self, forKey: .zRouteParticipatieurenGezinsmigrant),
            onderwijsrouteLeeftijdsgrens: try c.decode(Int.self, forKey: .onderwijsrouteLeeftijdsgrens),
            aanwezigheid: try c.decodeIfPresent(AanwezigheidSettings.self, forKey: .aanwezigheid) ?? AanwezigheidSettings())
    }

    public static let standaard = MunicipalityLawSettings()
}
