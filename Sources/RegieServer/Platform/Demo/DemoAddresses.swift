import Foundation
import Inburgering
import RegieStorage
import SQLKit

/// A residential address for every demo person whose details are known, so a demo letter has an
/// addressee in its window: a household shares one, in its own municipality, on streets and
/// postcodes of that place (the numbers and letters are made up). A case opened on a DUO signal
/// without the BRP's details has no address yet, as in practice.
enum DemoAddresses {
    /// Per municipality: its places with their postcode areas, and street names of the region.
    static let places: [String: [(city: String, postcodes: ClosedRange<Int>)]] = [
        "GM0988": [("Weert", 6001...6006)],
        "GM1706": [("Budel", 6021...6023), ("Maarheeze", 6026...6026), ("Soerendonk", 6027...6027)],
        "GM0946": [("Nederweert", 6031...6031), ("Ospel", 6035...6035)],
    ]
    static let streets = ["Kerkstraat", "Molenstraat", "Stationsstraat", "Beekstraat", "Julianalaan", "Emmastraat", "Schoolstraat", "Dorpstraat",
                          "Lindelaan", "Kastanjelaan", "Parallelweg", "Nieuwstraat", "Oranjestraat", "Vogelsanglaan", "Hoogstraat", "Wilhelminalaan"]
    static let letters = Array("ABCDEFGHJKLMNPRTVWXZ")

    /// Stores the addresses of one batch of people in one statement.
    static func insert(_ people: [PersonStore.NewPerson], recordedBy: String, now: Date, on db: any SQLDatabase) async throws {
        let rows: [SQLQueryString] = people.compactMap { item in
            let p = item.person
            guard !p.detailsPending, let address = address(for: p) else { return nil }
            let n = address.houseNumber
            return """
                (\(bind: "demo-adres-" + p.id), \(bind: p.id), 'woon', \(bind: address.street), \(bind: n.number), \(bind: n.letter), \(bind: n.addition),
                \(bind: address.postcode.description), \(bind: address.city), 'handmatig', \(bind: recordedBy), \(bind: now.epochSeconds))
                """
        }
        guard !rows.isEmpty else { return }
        try await db.raw("""
            INSERT INTO person_addresses (id, person_id, kind, street, house_number, house_letter, house_addition, postcode, city, source, recorded_by, recorded_at)
            VALUES \(rows.joined(separator: ", "))
            """).run()
    }

    /// The same address for everyone in a household (picked from its id), else from the person's.
    static func address(for person: PersonRecord) -> DutchAddress? {
        guard let places = places[person.municipalityCode] else { return nil }
        var hash: UInt64 = 14_695_981_039_346_656_037  // FNV-1a: stable across runs and platforms
        for byte in (person.householdId ?? person.id).utf8 { hash = (hash ^ UInt64(byte)) &* 1_099_511_628_211 }
        let place = places[Int(hash % UInt64(places.count))]
        let area = place.postcodes.lowerBound + Int((hash >> 8) % UInt64(place.postcodes.count))
        let pair = String([letters[Int((hash >> 16) % UInt64(letters.count))], letters[Int((hash >> 24) % UInt64(letters.count))]])
        guard let postcode = try? Postcode("\(area)\(pair)") else { return nil }
        return DutchAddress(street: streets[Int((hash >> 32) % UInt64(streets.count))], houseNumber: HouseNumber(number: 1 + Int((hash >> 40) % 180)),
                            postcode: postcode, city: place.city)
    }
}
