import DUO
import Foundation

/// Where an outbox message goes. One table (`duo_outbox`, M0012) and one worker for all of them:
/// the worker claims due messages of every destination this build knows and hands each to its
/// destination's sender. DUO today; partners (language schools and others) and archives later.
/// The raw value is stored in `duo_outbox.destination`; a destination an older build does not know
/// is left for a build that does.
public enum OutboxDestination: String, Codable, CaseIterable, Sendable {
    /// DUO's interface (the pushes of `DUOPush`).
    case duo
}

/// A message waiting for, being sent to, or answered by its destination.
public struct OutboxRecord: Codable, Sendable, Hashable {
    public var id: String
    public var seq: Int64
    public var destination: OutboxDestination
    public var personId: String
    public var municipalityCode: String
    /// What the message is, within its destination (for DUO: a `DUOPush` raw value).
    public var kind: String
    public var bsn: String?
    public var body: String
    public var reference: String?
    public var berichtId: String
    public var status: String
    public var attempts: Int
    public var nextAttemptAt: Int64
    public var lastError: String?
    /// DUO's error texts (JSON array of strings) for a rejected message, or the law's reasons for a stopped one.
    public var fouten: String?
    public var sourceId: String?
    public var createdBy: String
    public var createdAt: Int64
    public var sentAt: Int64?

    /// Claimed from status `sending`: an earlier attempt started and its outcome was never recorded
    /// (the instance died, or DUO's answer was lost), so DUO may already hold it. Meaningful on a
    /// record returned by `claimOutbox` (which reads the row before marking it `sending`).
    public var outcomeUnknown: Bool { status == "sending" }

    /// The DUO push a message for DUO is; nil for another destination, or a kind this version does not know.
    public var duoPush: DUOPush? { destination == .duo ? DUOPush(rawValue: kind) : nil }

    public var foutTeksten: [String] {
        fouten.flatMap { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) } ?? []
    }

    /// A row without `destination` is DUO's. On SQLite a pooled connection that read the schema
    /// before M0012 expands `SELECT *` to the old columns once (SQLiteNIO reads the column names
    /// before the first step, which reloads the schema), so right after the upgrade a row may come
    /// without the column; every row written before it was a push to DUO.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        seq = try c.decode(Int64.self, forKey: .seq)
        destination = try c.decodeIfPresent(OutboxDestination.self, forKey: .destination) ?? .duo
        personId = try c.decode(String.self, forKey: .personId)
        municipalityCode = try c.decode(String.self, forKey: .municipalityCode)
        kind = try c.decode(String.self, forKey: .kind)
        bsn = try c.decodeIfPresent(String.self, forKey: .bsn)
        body = try c.decode(String.self, forKey: .body)
        reference = try c.decodeIfPresent(String.self, forKey: .reference)
        berichtId = try c.decode(String.self, forKey: .berichtId)
        status = try c.decode(String.self, forKey: .status)
        attempts = try c.decode(Int.self, forKey: .attempts)
        nextAttemptAt = try c.decode(Int64.self, forKey: .nextAttemptAt)
        lastError = try c.decodeIfPresent(String.self, forKey: .lastError)
        fouten = try c.decodeIfPresent(String.self, forKey: .fouten)
        sourceId = try c.decodeIfPresent(String.self, forKey: .sourceId)
        createdBy = try c.decode(String.self, forKey: .createdBy)
        createdAt = try c.decode(Int64.self, forKey: .createdAt)
        sentAt = try c.decodeIfPresent(Int64.self, forKey: .sentAt)
    }
}

/// A message for a destination, built by the change that causes it and written in that change's
/// transaction (`DUOStore.enqueue`).
public struct OutboxMessage: Sendable, Hashable {
    public var destination: OutboxDestination
    /// What the message is, within its destination (for DUO: a `DUOPush` raw value).
    public var kind: String
    public var body: String
    public var reference: String?
    public var sourceId: String?

    public init(destination: OutboxDestination, kind: String, body: String, reference: String? = nil, sourceId: String? = nil) {
        self.destination = destination
        self.kind = kind
        self.body = body
        self.reference = reference
        self.sourceId = sourceId
    }

    /// A push to DUO, its body in DUO's JSON.
    public init<T: Encodable>(_ kind: DUOPush, body: T, reference: String? = nil, sourceId: String? = nil) throws {
        self.init(destination: .duo, kind: kind.rawValue, body: String(decoding: try DUOJSON.encode(body), as: UTF8.self),
                  reference: reference, sourceId: sourceId)
    }
}

/// The names the DUO koppeling used before the outbox had destinations.
public typealias DUOOutboxRecord = OutboxRecord
public typealias DUOOutboxMessage = OutboxMessage
