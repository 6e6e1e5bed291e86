/// DUO's APIs, each with the version of its published description (`info.version`), sent as `API-Version`.
public enum DUOAPI: String, CaseIterable, Codable, Sendable {
    case inburgeringsplicht, inburgeringstermijn, leerbaarheidstoets, vrijstelling, ontheffing, examen, pip
    case mapPvtZroute, gevolgdeUren, inburgeringsaanbod, contactpersoon, notificatie

    public var version: String {
        switch self {
        case .inburgeringsplicht: "1.2.2"
        case .leerbaarheidstoets, .pip, .inburgeringsaanbod: "1.2.0"
        case .notificatie: "1.8.0"
        case .inburgeringstermijn, .vrijstelling, .ontheffing, .examen, .mapPvtZroute, .gevolgdeUren, .contactpersoon: "1.0.0"
        }
    }
}

extension DUOPull {
    /// The API that serves this pull.
    public var api: DUOAPI {
        switch self {
        case .inburgeringsplicht, .plichtHistorie, .doelgroep, .doelgroepHistorie: .inburgeringsplicht
        case .termijn, .termijnHistorie: .inburgeringstermijn
        case .lbtResultaten, .lbtExamennummer: .leerbaarheidstoets
        case .vrijstellingen: .vrijstelling
        case .ontheffingen: .ontheffing
        case .examens: .examen
        case .pip: .pip
        }
    }
}

/// The headers of DUO's interface (as its published OpenAPI descriptions give them).
public enum DUOHeader {
    public static let bron = "Bron"
    public static let doel = "Doel"
    public static let berichtId = "BerichtId"
    public static let apiVersion = "API-Version"

    /// An OIN is 20 digits.
    public static func isOIN(_ value: String) -> Bool {
        value.count == 20 && value.allSatisfy { $0.isASCII && $0.isNumber }
    }
}

/// The pushes of Regie to DUO. Raw values are stored in the outbox.
public enum DUOPush: String, CaseIterable, Codable, Sendable {
    case pip
    case inburgeringsaanbod
    case map
    case pvt
    case zroute
    case urenTaallesKNM = "uren.taallesknm"
    case urenParticipatie = "uren.participatie"
    case urenParticipatieTaalles = "uren.participatietaalles"
    case contactpersoon

    /// Method and path below `/v1`. The institution number of an offer is part of its body key.
    public func route(bsn: String, instellingsnummer: String? = nil) -> (String, String) {
        switch self {
        case .pip: ("POST", "/personen/\(bsn)/PIP")
        case .inburgeringsaanbod: ("POST", "/personen/\(bsn)/Inburgeringsaanbod/\(instellingsnummer ?? "")")
        case .map: ("PUT", "/personen/\(bsn)/map")
        case .pvt: ("PUT", "/personen/\(bsn)/pvt")
        case .zroute: ("PUT", "/personen/\(bsn)/zroute")
        case .urenTaallesKNM: ("PUT", "/personen/\(bsn)/uren/bredeintake/taallesknm")
        case .urenParticipatie: ("PUT", "/personen/\(bsn)/uren/participatieactiviteiten")
        case .urenParticipatieTaalles: ("PUT", "/personen/\(bsn)/uren/participatietaalles")
        case .contactpersoon: ("POST", "/contactpersonen")
        }
    }
}
