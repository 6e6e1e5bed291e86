import Inburgering
import RegieStorage

/// The stores casework commands write through, built once by the application.
public struct CaseworkStores: Sendable {
    public let persons: PersonStore
    public let casework: CaseworkStore
    public let settings: SettingsStore
    public let duo: DUOStore
    public let ontzorgen: OntzorgenStore
    /// The organisation's accounts: who may take cases.
    public let users: UserStore
    /// The providers, their offers and start moments.
    public let providers: ProviderStore

    public init(persons: PersonStore, casework: CaseworkStore, settings: SettingsStore, duo: DUOStore, ontzorgen: OntzorgenStore, users: UserStore,
                providers: ProviderStore) {
        self.persons = persons
        self.casework = casework
        self.settings = settings
        self.duo = duo
        self.ontzorgen = ontzorgen
        self.users = users
        self.providers = providers
    }
}

/// One action on casework, whatever door it comes through: the value is the typed input, `run`
/// checks it against the law and stores it (the change, its timeline line, the audit entry and the
/// recomputed terms in one transaction), or throws `CaseworkError` / `CaseNotFound`.
public protocol CaseworkCommand: Sendable {
    associatedtype Output: Sendable
    /// Each input field's label (a catalogue key), for the messages of its issues.
    static var labels: [String: String] { get }
    func run(_ context: CommandContext, stores: CaseworkStores) async throws -> Output
}
