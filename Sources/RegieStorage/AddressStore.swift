import Foundation
import Inburgering
import SQLKit

/// Which address of a person: where they live, or where their post goes when that differs.
public enum AddressKind: String, Sendable, CaseIterable, Codable {
    case woon
    case post
}

/// One stored address of a person; `replacedAt` is set when a later one took its place.
public struct AddressRecord: Sendable, Hashable {
    public let kind: AddressKind
    public let address: DutchAddress
    public let source: String
    public let recordedBy: String
    public let recordedAt: Int64
    public let replacedAt: Int64?
}

extension PersonStore {
    /// The current addresses of a person in scope, by kind.
    public func currentAddresses(personId: String, scope: TenantScope) async throws -> [AddressKind: DutchAddress] {
        var result: [AddressKind: DutchAddress] = [:]
        for record in try await addressHistory(personId: personId, scope: scope) where record.replacedAt == nil {
            result[record.kind] = record.address
        }
        return result
    }

    /// Every address the person had, newest first.
    public func addressHistory(personId: String, scope: TenantScope) async throws -> [AddressRecord] {
        return try await database.sql.raw("""
            SELECT a.* FROM person_addresses a JOIN persons p ON p.id = a.person_id
            WHERE a.person_id = \(bind: personId) AND \(scope.persons())
            ORDER BY a.recorded_at DESC, a.kind
            """).all().map(Self.addressRecord)
    }

    static func addressRecord(_ row: any SQLRow) throws -> AddressRecord {
        let number = HouseNumber(number: try row.decode(column: "house_number", as: Int.self),
                                 letter: try row.decode(column: "house_letter", as: String?.self),
                                 addition: try row.decode(column: "house_addition", as: String?.self))
        let address = DutchAddress(street: try row.decode(column: "street", as: String.self), houseNumber: number,
                                   postcode: try Postcode(try row.decode(column: "postcode", as: String.self)),
                                   city: try row.decode(column: "city", as: String.self))
        return AddressRecord(kind: AddressKind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .woon, address: address,
                             source: try row.decode(column: "source", as: String.self), recordedBy: try row.decode(column: "recorded_by", as: String.self),
                             recordedAt: try row.decode(column: "recorded_at", as: Int64.self), replacedAt: try row.decode(column: "replaced_at", as: Int64?.self))
    }

    /// Saves the person's addresses: for each kind whose address changed, the current row is marked
    /// replaced and the new one (if any) inserted; the timeline gets a line with the old address, and
    /// the audit entry is written in the same transaction. Returns the kinds that changed, or nil when
    /// the person is not in scope.
    public func saveAddresses(personId: String, scope: TenantScope, _ addresses: [AddressKind: DutchAddress], source: String = "handmatig", actor: CaseActor,
                              audit: @escaping @Sendable (_ changed: [AddressKind]) -> AuditEvent, now: Date) async throws -> [AddressKind]? {
        return try await database.transaction { db in
            guard try await db.raw("SELECT p.id FROM persons p WHERE p.id = \(bind: personId) AND \(scope.persons())").first() != nil else {
                return nil
            }
            let current = try await db.raw("SELECT * FROM person_addresses WHERE person_id = \(bind: personId) AND replaced_at IS NULL").all().map(Self.addressRecord)
            var changed: [AddressKind] = []
            for addressKind in AddressKind.allCases {
                let old = current.first { $0.kind == addressKind }?.address
                let new = addresses[addressKind]
                guard old != new else { continue }
                changed.append(addressKind)
                try await db.raw("""
                    UPDATE person_addresses SET replaced_at = \(bind: now.epochSeconds)
                    WHERE person_id = \(bind: personId) AND kind = \(bind: addressKind.rawValue) AND replaced_at IS NULL
                    """).run()
                if let new {
                    try await db.raw("""
                        INSERT INTO person_addresses (id, person_id, kind, street, house_number, house_letter, house_addition, postcode, city,
                            source, recorded_by, recorded_at)
                        VALUES (\(bind: UUID().uuidString.lowercased()), \(bind: personId), \(bind: addressKind.rawValue), \(bind: new.street),
                            \(bind: new.houseNumber.number), \(bind: new.houseNumber.letter), \(bind: new.houseNumber.addition),
                            \(bind: new.postcode.description), \(bind: new.city), \(bind: source), \(bind: actor.name), \(bind: now.epochSeconds))
                        """).run()
                }
                // The timeline keeps what the address was, so the file shows where letters went before.
                try await CaseworkStore.insertEvent(
                    CaseChange(kind: "adres.\(addressKind.rawValue)", date: CalendarDate.today(now: now).iso,
                               detail: "\(old?.singleLine ?? "—") → \(new?.singleLine ?? "—")"),
                    personId: personId, actor: actor, at: now, on: db)
            }
            if !changed.isEmpty {
                try await AuditStore.append([audit(changed)], at: now, on: db)
            }
            return changed
        }
    }
}
