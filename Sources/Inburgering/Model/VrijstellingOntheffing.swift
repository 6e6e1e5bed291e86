/// DUO's grounds for a vrijstelling (Vrijstelling API). DUO decides; the municipality records.
public enum VrijstellingReden: String, CaseIterable, Codable, Sendable {
    /// Demonstrably sufficiently integrated, assessed on request (Besluit art. 2.3).
    case AVI
    /// Exempting diploma in DUO's register (Regeling art. 2.1 c).
    case DIP
    /// Exempting document assessed by DUO (Regeling art. 2.1 c–f).
    case DOC
    /// Partial exemption for components at A2/B1 (Regeling art. 3.12–3.13).
    case GED
    /// Inburgeringsdiploma under the Wi2013 at B1 (Regeling art. 2.1 b).
    case INB
    /// Temporary exemption on proof of enrolment.
    case INS
    /// Temporary exemption ex officio for enrolment in further education.
    case OPL

    public var isTijdelijk: Bool { self == .INS || self == .OPL }
}

/// DUO's grounds for an ontheffing (Ontheffing API).
public enum OntheffingsGrond: String, CaseIterable, Codable, Sendable {
    /// Bijzondere individuele omstandigheden.
    case BIO
    /// Medical.
    case MED
}

/// DUO's verdict on a request.
public enum AanvraagOordeel: String, CaseIterable, Codable, Sendable {
    case toekenning = "Toekenning"
    case afwijzing = "Afwijzing"
}
