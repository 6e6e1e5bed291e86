import Foundation
import Inburgering

// The messages of the municipality–DUO interface, written from the facts of DUO's published
// OpenAPI descriptions. Property names are DUO's JSON names; dates are ISO days
// (`CalendarDate` encodes as "yyyy-MM-dd"). Only what Regie reads or sends is modelled; unknown
// JSON properties in DUO's answers are ignored, so an additive DUO release does not break Regie.

/// A signal from DUO: something happened to a person; Regie pulls the details itself.
public struct Notificatie: Codable, Hashable, Sendable {
    /// When DUO registered the event (date-time).
    public var registratieDatumTijd: String
    public var bsn: String?
    public var vNummer: Int64?
    /// Event id, e.g. "SS101" (1–6 of 0-9 A-Z).
    public var gebeurtenisId: String

    public init(registratieDatumTijd: String, bsn: String?, vNummer: Int64? = nil, gebeurtenisId: String) {
        self.registratieDatumTijd = registratieDatumTijd
        self.bsn = bsn
        self.vNummer = vNummer
        self.gebeurtenisId = gebeurtenisId
    }
}

/// One functional error DUO reports (at most 200 characters).
public struct Foutmelding: Codable, Hashable, Sendable {
    public var fouttekst: String
    public init(fouttekst: String) { self.fouttekst = fouttekst }
}

// MARK: Pulled data

/// Whether the person is obliged to integrate, from when, and why not (Inburgeringsplicht API).
public struct Inburgeringsplicht: Codable, Hashable, Sendable {
    public var indicatorInburgeringsplicht: Bool
    public var begindatum: CalendarDate?
    public var einddatum: CalendarDate?
    public var wijzigingsdatum: CalendarDate?
    public var datumKennisgevingInburgeringsplicht: CalendarDate?
    public var redenGeenInburgeringsplicht: RedenGeenPlicht?

    public init(indicatorInburgeringsplicht: Bool, begindatum: CalendarDate? = nil, einddatum: CalendarDate? = nil,
                wijzigingsdatum: CalendarDate? = nil, datumKennisgevingInburgeringsplicht: CalendarDate? = nil,
                redenGeenInburgeringsplicht: RedenGeenPlicht? = nil) {
        self.indicatorInburgeringsplicht = indicatorInburgeringsplicht
        self.begindatum = begindatum
        self.einddatum = einddatum
        self.wijzigingsdatum = wijzigingsdatum
        self.datumKennisgevingInburgeringsplicht = datumKennisgevingInburgeringsplicht
        self.redenGeenInburgeringsplicht = redenGeenInburgeringsplicht
    }
}

/// DUO's reasons why a person has no (more) obligation; raw values are DUO's strings.
public enum RedenGeenPlicht: String, Codable, CaseIterable, Sendable {
    case volledigeOntheffing = "Volledige ontheffing"
    case volledigeVrijstelling = "Volledige vrijstelling"
    case voldaan = "Inburgeringsplicht voldaan"
    case verblijfsdoelGewijzigd = "Verblijfsdoel gewijzigd"
    case vertrokken = "Vertrek uit Nederland langer dan een jaar"
    case overleden = "Overlijden"
    case overig = "Overig"
    case tijdelijkeVrijstelling = "Tijdelijke vrijstelling"

    /// How Regie closes a case for this reason; nil when the case stays open (a temporary exemption).
    public var einde: TrajectEinde? {
        switch self {
        case .volledigeOntheffing: .volledigeOntheffing
        case .volledigeVrijstelling: .volledigeVrijstelling
        case .voldaan: .examenBehaald
        case .verblijfsdoelGewijzigd: .verblijfsdoelGewijzigd
        case .vertrokken: .vertrokken
        case .overleden: .overleden
        case .overig: .plichtVervallen
        case .tijdelijkeVrijstelling: nil
        }
    }
}

public struct PlichtHistorie: Codable, Hashable, Sendable {
    public var indicatorInburgeringsplicht: Bool
    public var begindatum: CalendarDate?
    public var einddatum: CalendarDate?
    public var wijzigingsdatum: CalendarDate?
    public init(indicatorInburgeringsplicht: Bool, begindatum: CalendarDate? = nil, einddatum: CalendarDate? = nil, wijzigingsdatum: CalendarDate? = nil) {
        self.indicatorInburgeringsplicht = indicatorInburgeringsplicht
        self.begindatum = begindatum
        self.einddatum = einddatum
        self.wijzigingsdatum = wijzigingsdatum
    }
}

/// The person's current target group (Inburgeringsplicht API, doelgroep).
public struct DoelgroepInfo: Codable, Hashable, Sendable {
    /// "Asielstatushouder" or "Gezinsmigrant en overige migrant".
    public var indeling: String?
    public var begindatum: CalendarDate?
    public var gedetailleerdeDoelgroep: Doelgroep?
    public var asielrechtenWijzigingVerblijfsdoel: AsielrechtenBijWijziging?

    public init(indeling: String? = nil, begindatum: CalendarDate? = nil, gedetailleerdeDoelgroep: Doelgroep? = nil,
                asielrechtenWijzigingVerblijfsdoel: AsielrechtenBijWijziging? = nil) {
        self.indeling = indeling
        self.begindatum = begindatum
        self.gedetailleerdeDoelgroep = gedetailleerdeDoelgroep
        self.asielrechtenWijzigingVerblijfsdoel = asielrechtenWijzigingVerblijfsdoel
    }

    /// The statutory category: changed rights after a change of residence purpose first, then DUO's
    /// own indeling, then the detailed group (R0).
    public var categorie: DoelgroepCategorie? {
        asielrechtenWijzigingVerblijfsdoel?.categorie
            ?? indeling.flatMap(DoelgroepCategorie.init(duoIndeling:))
            ?? gedetailleerdeDoelgroep?.categorie
    }
}

public struct DoelgroepHistorie: Codable, Hashable, Sendable {
    public var indeling: String?
    public var begindatum: CalendarDate?
    public var einddatum: CalendarDate?
    public init(indeling: String? = nil, begindatum: CalendarDate? = nil, einddatum: CalendarDate? = nil) {
        self.indeling = indeling
        self.begindatum = begindatum
        self.einddatum = einddatum
    }
}

/// One result of the learnability test (Leerbaarheidstoets API). Scores are "nn,nn" strings.
public struct LBTResultaat: Codable, Hashable, Sendable {
    public var resultaat: String
    public var behaaldeScore: String
    public var benodigdeScore: String
    public var datumAfname: CalendarDate

    public init(resultaat: String, behaaldeScore: String, benodigdeScore: String, datumAfname: CalendarDate) {
        self.resultaat = resultaat
        self.behaaldeScore = behaaldeScore
        self.benodigdeScore = benodigdeScore
        self.datumAfname = datumAfname
    }

    /// The achieved score as a whole number of correct answers (DUO writes "26,00").
    public var score: Int? { DUOScore.parse(behaaldeScore) }
}

public enum DUOScore {
    /// "26,00" → 26; nil for anything else.
    public static func parse(_ text: String) -> Int? {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...3).contains(parts[0].count), parts[1].count == 2,
              let whole = Int(parts[0]), Int(parts[1]) != nil else { return nil }
        return whole
    }

    public static func format(_ score: Int) -> String { "\(score),00" }
}

public struct LBTExamennummer: Codable, Hashable, Sendable {
    public var examennummer: String
    public init(examennummer: String) { self.examennummer = examennummer }
}

/// The inburgeringstermijn as DUO registers it. DUO's `einddatum` is the first day after the term.
public struct DUOTermijn: Codable, Hashable, Sendable {
    public var startdatum: CalendarDate
    public var einddatum: CalendarDate
    public var wijzigingsdatum: CalendarDate?
    public var verlengingsgrondcode: String?
    public var verlengingsgrondomschrijving: String?

    public init(startdatum: CalendarDate, einddatum: CalendarDate, wijzigingsdatum: CalendarDate? = nil,
                verlengingsgrondcode: String? = nil, verlengingsgrondomschrijving: String? = nil) {
        self.startdatum = startdatum
        self.einddatum = einddatum
        self.wijzigingsdatum = wijzigingsdatum
        self.verlengingsgrondcode = verlengingsgrondcode
        self.verlengingsgrondomschrijving = verlengingsgrondomschrijving
    }

    /// The last day of the term (inclusive).
    public var laatsteDag: CalendarDate { einddatum.adding(days: -1) }
}

public struct DUOTermijnHistorie: Codable, Hashable, Sendable {
    public var einddatum: CalendarDate?
    public var wijzigingsdatum: CalendarDate?
    public var verlengingsgrondcode: String?
    public var verlengingsgrondomschrijving: String?
    public init(einddatum: CalendarDate? = nil, wijzigingsdatum: CalendarDate? = nil, verlengingsgrondcode: String? = nil, verlengingsgrondomschrijving: String? = nil) {
        self.einddatum = einddatum
        self.wijzigingsdatum = wijzigingsdatum
        self.verlengingsgrondcode = verlengingsgrondcode
        self.verlengingsgrondomschrijving = verlengingsgrondomschrijving
    }
}

public enum AanvraagOordeel: String, Codable, Sendable {
    case toekenning = "Toekenning"
    case afwijzing = "Afwijzing"
}

/// An exemption decision (Vrijstelling API): exactly one of the three kinds is present.
public struct DUOVrijstelling: Codable, Hashable, Sendable {
    public struct Beslissing: Codable, Hashable, Sendable {
        public var oordeel: AanvraagOordeel
        public var reden: String
        public var datumOordeel: CalendarDate?
        public var startdatum: CalendarDate?
        public var einddatum: CalendarDate?
        public var examenonderdeel: String?
        public var examenniveau: String?
        public init(oordeel: AanvraagOordeel, reden: String, datumOordeel: CalendarDate? = nil, startdatum: CalendarDate? = nil,
                    einddatum: CalendarDate? = nil, examenonderdeel: String? = nil, examenniveau: String? = nil) {
            self.oordeel = oordeel
            self.reden = reden
            self.datumOordeel = datumOordeel
            self.startdatum = startdatum
            self.einddatum = einddatum
            self.examenonderdeel = examenonderdeel
            self.examenniveau = examenniveau
        }
    }

    public var GeheleVrijstelling: Beslissing?
    public var TijdelijkeVrijstelling: Beslissing?
    public var GedeeltelijkeVrijstelling: Beslissing?

    public init(GeheleVrijstelling: Beslissing? = nil, TijdelijkeVrijstelling: Beslissing? = nil, GedeeltelijkeVrijstelling: Beslissing? = nil) {
        self.GeheleVrijstelling = GeheleVrijstelling
        self.TijdelijkeVrijstelling = TijdelijkeVrijstelling
        self.GedeeltelijkeVrijstelling = GedeeltelijkeVrijstelling
    }
}

/// An ontheffing decision (Ontheffing API): whole or partial, on medical or BIO grounds.
public struct DUOOntheffing: Codable, Hashable, Sendable {
    public struct Beslissing: Codable, Hashable, Sendable {
        public var oordeel: AanvraagOordeel
        public var datumOordeel: CalendarDate
        /// "BIO" or "MED".
        public var grond: String
        public var examenonderdeel: String?
        public var urenBelastbaarheidParticipatieactiviteit: Int?
        public init(oordeel: AanvraagOordeel, datumOordeel: CalendarDate, grond: String, examenonderdeel: String? = nil,
                    urenBelastbaarheidParticipatieactiviteit: Int? = nil) {
            self.oordeel = oordeel
            self.datumOordeel = datumOordeel
            self.grond = grond
            self.examenonderdeel = examenonderdeel
            self.urenBelastbaarheidParticipatieactiviteit = urenBelastbaarheidParticipatieactiviteit
        }
    }

    public var GeheleOntheffing: Beslissing?
    public var GedeeltelijkeOntheffing: Beslissing?
    public init(GeheleOntheffing: Beslissing? = nil, GedeeltelijkeOntheffing: Beslissing? = nil) {
        self.GeheleOntheffing = GeheleOntheffing
        self.GedeeltelijkeOntheffing = GedeeltelijkeOntheffing
    }
}

/// One exam result (Examen API): part KNM/LE/LU/SC/SP, "Geslaagd"/"Gezakt"/"Geen".
public struct DUOExamenresultaat: Codable, Hashable, Sendable {
    public var examendatum: CalendarDate
    public var resultaat: String
    public var redenGeenResultaat: String?
    public var onderdeel: String
    public var niveau: String?
    public init(examendatum: CalendarDate, resultaat: String, redenGeenResultaat: String? = nil, onderdeel: String, niveau: String? = nil) {
        self.examendatum = examendatum
        self.resultaat = resultaat
        self.redenGeenResultaat = redenGeenResultaat
        self.onderdeel = onderdeel
        self.niveau = niveau
    }
}

/// The PIP registered at DUO for a person, with the municipality that sent it (4-digit code).
public struct DUOGemeentePIP: Codable, Hashable, Sendable {
    public var gemeentecode: String
    public var pip: DUOPIPBericht
    public init(gemeentecode: String, pip: DUOPIPBericht) {
        self.gemeentecode = gemeentecode
        self.pip = pip
    }
}

// MARK: Pushed data

/// The PIP as DUO registers it: the decision's date, the route (B/O/Z) and its level and options.
public struct DUOPIPBericht: Codable, Hashable, Sendable {
    public var dagtekeningPip: CalendarDate
    /// "B", "O" or "Z".
    public var leerroute: String
    /// "A2" or "B1".
    public var niveau: String?
    public var geschatteIntensiteitB1Route: Int?
    public var indicatorMagOpleidingAfmaken: Bool?
    /// "A", "AA" or "NVT".
    public var indicatorAlfabetiseringsonderwijs: String?

    public init(dagtekeningPip: CalendarDate, leerroute: String, niveau: String? = nil, geschatteIntensiteitB1Route: Int? = nil,
                indicatorMagOpleidingAfmaken: Bool? = nil, indicatorAlfabetiseringsonderwijs: String? = nil) {
        self.dagtekeningPip = dagtekeningPip
        self.leerroute = leerroute
        self.niveau = niveau
        self.geschatteIntensiteitB1Route = geschatteIntensiteitB1Route
        self.indicatorMagOpleidingAfmaken = indicatorMagOpleidingAfmaken
        self.indicatorAlfabetiseringsonderwijs = indicatorAlfabetiseringsonderwijs
    }

    public init(_ submission: PIPSubmission) {
        self.init(dagtekeningPip: submission.dagtekening, leerroute: submission.leerroute.duoCode,
                  niveau: submission.niveau?.rawValue, geschatteIntensiteitB1Route: submission.geschatteIntensiteitB1Route,
                  indicatorMagOpleidingAfmaken: submission.magOpleidingAfmaken,
                  indicatorAlfabetiseringsonderwijs: submission.alfabetisering?.rawValue)
    }

    /// Back to the law module's shape, for DUO's validation rules (R6); nil for an unknown route or level.
    public var submission: PIPSubmission? {
        guard let route = Leerroute(duoCode: leerroute) else { return nil }
        var level: Taalniveau?
        if let niveau {
            guard let parsed = Taalniveau(rawValue: niveau) else { return nil }
            level = parsed
        }
        return PIPSubmission(dagtekening: dagtekeningPip, leerroute: route, niveau: level,
                             geschatteIntensiteitB1Route: geschatteIntensiteitB1Route, magOpleidingAfmaken: indicatorMagOpleidingAfmaken,
                             alfabetisering: indicatorAlfabetiseringsonderwijs.flatMap(Alfabetiseringsonderwijs.init(rawValue:)))
    }
}

/// The offer of a course at an institution (Inburgeringsaanbod API).
public struct DUOInburgeringsaanbod: Codable, Hashable, Sendable {
    public var datumInburgeringsaanbod: CalendarDate?
    public var verwachteStartdatumOpleiding: CalendarDate?
    public var verwachteEinddatumOpleiding: CalendarDate?
    public var indicatorAlfabetiseringsonderwijs: String
    public init(datumInburgeringsaanbod: CalendarDate? = nil, verwachteStartdatumOpleiding: CalendarDate? = nil,
                verwachteEinddatumOpleiding: CalendarDate? = nil, indicatorAlfabetiseringsonderwijs: String) {
        self.datumInburgeringsaanbod = datumInburgeringsaanbod
        self.verwachteStartdatumOpleiding = verwachteStartdatumOpleiding
        self.verwachteEinddatumOpleiding = verwachteEinddatumOpleiding
        self.indicatorAlfabetiseringsonderwijs = indicatorAlfabetiseringsonderwijs
    }
}

/// Result of the MAP (final interview) or PVT (signing); "Ja"/"Nee" for culpability.
public struct DUOResultaatMAP: Codable, Hashable, Sendable {
    public var datumEindgesprekMap: CalendarDate?
    public var verwijtbaar: String?
    public init(datumEindgesprekMap: CalendarDate?, verwijtbaar: String? = nil) {
        self.datumEindgesprekMap = datumEindgesprekMap
        self.verwijtbaar = verwijtbaar
    }
}

public struct DUOResultaatPVT: Codable, Hashable, Sendable {
    public var datumOndertekeningPvt: CalendarDate?
    public var verwijtbaar: String?
    public init(datumOndertekeningPvt: CalendarDate?, verwijtbaar: String? = nil) {
        self.datumOndertekeningPvt = datumOndertekeningPvt
        self.verwijtbaar = verwijtbaar
    }
}

public struct DUOResultaatZroute: Codable, Hashable, Sendable {
    public var datumAfrondingZroute: CalendarDate?
    public init(datumAfrondingZroute: CalendarDate?) { self.datumAfrondingZroute = datumAfrondingZroute }
}

/// Hours followed, as a total per kind (GevolgdeUren API, 0…9999).
public struct DUOUren: Codable, Hashable, Sendable {
    public var uren: Int
    public init(uren: Int) { self.uren = uren }
}

/// The municipality's contact person for DUO (Contactpersoon API).
public struct DUOContactpersoonGegevens: Codable, Hashable, Sendable {
    public var naam: String
    public var email: String
    public var telefoonnummer: String
    public init(naam: String, email: String, telefoonnummer: String) {
        self.naam = naam
        self.email = email
        self.telefoonnummer = telefoonnummer
    }
}

public struct DUOContactpersoon: Codable, Hashable, Sendable {
    public var id: Int?
    public var contactpersoongegevens: DUOContactpersoonGegevens
    public init(id: Int?, contactpersoongegevens: DUOContactpersoonGegevens) {
        self.id = id
        self.contactpersoongegevens = contactpersoongegevens
    }
}

/// JSON as DUO writes it: ISO dates via `CalendarDate`, no key conversion, stable key order.
public enum DUOJSON {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    public static func encode<T: Encodable>(_ value: T) throws -> Data { try encoder().encode(value) }
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T { try JSONDecoder().decode(type, from: data) }
}
