import DUO
import Testing

/// What Regie pulls per event, against DUO's events overview ("Gebeurtenissen overzicht", sheet
/// "Overzicht ", revision 1.0 of 5-11-2024): per event, the APIs to consult (a cross per column).
@Suite("DUO events pull exactly the APIs DUO's events overview lists")
struct GebeurtenisPullsTests {
    /// The overview's API columns, in its order.
    enum OverviewAPI: String, Sendable {
        case inburgeringsplicht = "Inburgeringsplicht API"
        case leerbaarheidstoets = "Leerbaarheidstoets API"
        case inburgeringstermijn = "Inburgeringstermijn API"
        case examenresultaten = "Examenresultaten API"
        case beschikkingVoldaan = "Beschikking voldaan inburgeringsplicht API"
        case beoordelingVerlenging = "Beoordeling aanvraag verlenging API"
        case eindoordeelVrijstelling = "Eindoordeel vrijstelling API"
        case beslissingOntheffing = "Beslissing ontheffing (inclusief BIO) API"
        case inspanningBijInstelling = "Inspanning inburgeraar bij instelling API"

        /// The published DUO API Regie consults for this column. Two columns name APIs DUO has not
        /// published a description of; Regie reads what they decide where it shows: the end of the
        /// obligation (indicator, reden, einddatum) in the Inburgeringsplicht API, a granted
        /// extension in the Inburgeringstermijn API.
        var consulted: DUOAPI? {
            switch self {
            case .inburgeringsplicht, .beschikkingVoldaan: .inburgeringsplicht
            case .leerbaarheidstoets: .leerbaarheidstoets
            case .inburgeringstermijn, .beoordelingVerlenging: .inburgeringstermijn
            case .examenresultaten: .examen
            case .eindoordeelVrijstelling: .vrijstelling
            case .beslissingOntheffing: .ontheffing
            case .inspanningBijInstelling: nil
            }
        }
    }

    struct Row: Sendable, CustomTestStringConvertible {
        let id: String
        let apis: [OverviewAPI]
        var testDescription: String { id }
    }

    /// The overview, row by row (the crosses of each event).
    static let overview: [Row] = [
        Row(id: "SS101", apis: [.inburgeringsplicht, .examenresultaten]),
        Row(id: "SS128", apis: [.inburgeringsplicht, .examenresultaten]),
        Row(id: "SS139", apis: [.inburgeringsplicht, .examenresultaten]),
        Row(id: "SS102", apis: [.inburgeringstermijn]),
        Row(id: "SS103", apis: [.inburgeringstermijn]),
        Row(id: "SS104", apis: [.inburgeringstermijn, .beoordelingVerlenging]),
        Row(id: "SS106", apis: [.beschikkingVoldaan]),
        Row(id: "SS107", apis: [.beschikkingVoldaan, .eindoordeelVrijstelling]),
        Row(id: "SS108", apis: [.beschikkingVoldaan, .beslissingOntheffing]),
        Row(id: "SS109", apis: [.inburgeringsplicht, .eindoordeelVrijstelling]),
        Row(id: "SS110", apis: [.inburgeringsplicht]),
        Row(id: "SS111", apis: [.inburgeringsplicht]),
        Row(id: "SS113", apis: [.beoordelingVerlenging]),
        Row(id: "SS114", apis: [.eindoordeelVrijstelling]),
        Row(id: "SS115", apis: [.eindoordeelVrijstelling]),
        Row(id: "SS116", apis: [.eindoordeelVrijstelling]),
        Row(id: "SS117", apis: [.examenresultaten, .eindoordeelVrijstelling]),
        Row(id: "SS118", apis: [.beslissingOntheffing]),
        Row(id: "SS119", apis: [.examenresultaten, .beslissingOntheffing]),
        Row(id: "SS120", apis: [.inburgeringsplicht, .examenresultaten]),
        Row(id: "SS121", apis: [.inburgeringsplicht, .inburgeringstermijn, .examenresultaten]),
        Row(id: "SS124", apis: [.inburgeringsplicht]),
        Row(id: "SS125", apis: [.inburgeringsplicht]),
        Row(id: "SS129", apis: [.inburgeringsplicht, .examenresultaten, .eindoordeelVrijstelling]),
        Row(id: "SS130", apis: [.inburgeringsplicht, .inburgeringstermijn, .examenresultaten, .eindoordeelVrijstelling]),
        Row(id: "SS131", apis: [.leerbaarheidstoets]),
        Row(id: "SS137", apis: [.leerbaarheidstoets]),
    ]

    @Test("Each event of the overview pulls from exactly the APIs it lists", arguments: overview)
    func pulls(_ row: Row) throws {
        let event = try #require(Gebeurtenis(id: row.id))
        let expected = Set(row.apis.compactMap(\.consulted))
        // The overview has no column for the PIP API: a PIP pulled after a move (SS121, SS130) is outside it.
        let pulled = Set(event.pulls.map(\.api)).subtracting([.pip])
        #expect(pulled == expected)
    }

    @Test("The PIP is pulled only where a PIP of an earlier municipality or before the exemption is known (SS121, SS130)")
    func pipPulls() {
        #expect(Set(Gebeurtenis.allCases.filter { $0.pulls.contains(.pip) }.map(\.id)) == ["SS121", "SS130"])
    }

    @Test("Every event of the overview is known, and the overview lists every known event but the chain's own")
    func coverage() {
        #expect(Set(Self.overview.map(\.id)) == Set(Gebeurtenis.allCases.map(\.id)).subtracting(["SS126", "SS140", "SS199"]))
    }
}
