import BRP
import Configuration
import Foundation
import Hummingbird
import Logging
import NIOCore
import OpenAPIHummingbird
import RegieAPI
import RegieProviderAPI
import RegieStorage
import DUO
import DUOClient
import ServiceLifecycle

/// Builds the application from configuration: the database (migrated before traffic), the
/// services, the middleware chain and every route. Tests build the same application in memory.
public func buildApplication(reader: ConfigReader, logger: Logger, onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }) async throws -> some ApplicationProtocol {
    let config = try AppConfig(reader: reader)
    var database = try await Database.connect(config.database, maxConnections: config.databaseMaxConnections, logger: logger)
    database.statements.slowThreshold = config.slowStatementMilliseconds.map { .milliseconds($0) }
    let router: Router<RegieRequestContext>
    let sweeper: SessionSweeper
    let auditFlusher: AuditFlusher
    var duoServices: [any Service] = []
    do {
        let applied = try await Migrator(database: database).migrate()
        if config.clockOffsetDays != 0 {
            logger.warning("the clock runs ahead for this demo", metadata: ["days": .stringConvertible(config.clockOffsetDays)])
        }
        if !applied.isEmpty {
            logger.info("migrations applied", metadata: ["migrations": .string(applied.joined(separator: ","))])
            // SQLite connections opened before the migration would read the old columns once.
            if database.kind == .sqlite { database = try await database.reconnected() }
        }
        let views = try await Views.load()
        // The DUO koppeling: a client when DUO_URL is set, the worker, and the Notificatie API listener.
        let duoClient = try config.duo.baseURL.map {
            try DUOClient(endpoint: DUOEndpoint(baseURL: $0, duoOIN: config.duo.duoOIN, tls: config.duo.tls), logger: logger)
        }
        // The BRP link: a client when BRP_URL is set, and the background lookups.
        let brpClient = try config.brp.endpoint.map { try BRPClient(endpoint: $0, logger: logger) }
        let services = AppServices(config: config, database: database, clock: .system(offsetDays: config.clockOffsetDays), views: views, catalogue: views.catalogue,
                                   metrics: RegieMetrics(), bcryptCost: 12, duoClient: duoClient, brpClient: brpClient)
        if let brpClient, config.brp.worker { duoServices.append(BRPWorker(services: services, client: brpClient, logger: logger)) }
        if config.duo.worker { duoServices.append(DUOWorker(services: services, client: duoClient, logger: logger)) }
        if config.duo.notifyPort != 0 { duoServices.append(try NotificationAPI(services: services, logger: logger).application()) }
        // Trajecten stored before their nearest term was kept (or imported without it) get it now.
        try await services.persons.backfillSearchNames()
        let backfilled = try await services.casework.backfillNextDue(now: services.clock.now())
        if backfilled > 0 { logger.info("nearest terms computed", metadata: ["trajecten": .stringConvertible(backfilled)]) }
        // The figures' totals take in what changed while no server ran (all of it after the upgrade that adds them).
        try await services.figures.refreshTotals()
        router = try buildRouter(services: services)
        sweeper = SessionSweeper(services: services, logger: logger)
        auditFlusher = AuditFlusher(auditCommit: services.auditCommit)
    } catch {
        // A pool must be closed before it is released, also when start-up fails.
        await database.shutdown()
        throw error
    }
    var app = Application(
        router: router,
        configuration: ApplicationConfiguration(address: .hostname(config.host, port: config.port), serverName: nil),
        onServerRunning: onServerRunning,
        logger: logger)
    // Hummingbird runs these before its own date cache and server; ServiceLifecycle stops a group in
    // reverse order, each service once the one after it has finished: the server (which lets the
    // requests in flight finish), DUO, the audit flusher, then the pool.
    app.addServices(sweeper, DatabaseCloser(database: database), auditFlusher)
    app.addServices(duoServices)
    return app
}

/// The router with every route and middleware; separate so tests can inject a clock and a database.
public func buildRouter(services: AppServices) throws -> Router<RegieRequestContext> {
    let router = Router(context: RegieRequestContext.self, options: .autoGenerateHeadEndpoints)
    router.addMiddleware {
        MetricsMiddleware(metrics: services.metrics)
        RequestLogMiddleware()
        ClientInfoMiddleware(trustProxy: services.config.trustProxy)
        SecurityHeadersMiddleware(alwaysHSTS: services.config.cookieSecure)
    }
    OperationsController(services: services).addRoutes(to: router)
    AgendaFeedController(services: services).addRoutes(to: router)
    router.add(middleware: StaticFilesMiddleware(files: FileMiddleware(
        Views.publicDirectory, urlBasePath: "/static", cacheControl: .init([(MediaType(type: .any), [.maxAge(3600)])]),
        searchForIndexHtml: false, logger: services.database.logger)))

    // The API: its document is public, its operations need an API key.
    // Browsers ask for /favicon.ico whatever the page says; answer with the icon instead of a 404.
    router.get("/favicon.ico") { _, _ in Response(status: .movedPermanently, headers: [.location: "/static/favicon.svg"]) }

    let document = try RegieAPISpec.document()
    router.add(middleware: try APIMethodMiddleware(document: document))
    APIDocumentRoutes(document: document).addRoutes(to: router)
    let api = router.group("/api/v1").add(middleware: APIMiddleware(services: services, bodyCheck: try APIRequestBodyCheck(document: document)))
    try APIHandler(services: services).registerHandlers(on: api)
    api.on("**", method: .get) { _, _ -> Response in throw AppError.notFound }

    // The provider API: its own document, base path and link keys (issue 18 item 5).
    let providerDocument = try ProviderAPISpec.document()
    router.add(middleware: try APIMethodMiddleware(document: providerDocument, door: .provider))
    APIDocumentRoutes(document: providerDocument, door: .provider).addRoutes(to: router)
    let providerAPI = router.group(RouterPath(stringLiteral: APIDoor.provider.basePath))
        .add(middleware: APIMiddleware(services: services, bodyCheck: try APIRequestBodyCheck(document: providerDocument, door: .provider), door: .provider))
    try ProviderAPIHandler(services: services).registerHandlers(on: providerAPI)
    providerAPI.on("**", method: .get) { _, _ -> Response in throw AppError.notFound }

    let web = router.group().add(middleware: WebMiddleware(services: services))
    AuthController(services: services).addRoutes(to: web)
    AccountController(services: services).addRoutes(to: web)
    SecondFactorController(services: services).addRoutes(to: web)
    OIDCController(services: services).addRoutes(to: web)
    BRPController(services: services).addRoutes(to: web)
    CaseloadController(services: services).addRoutes(to: web)
    PersonController(services: services).addRoutes(to: web)
    AddressController(services: services).addRoutes(to: web)
    SentLettersController(services: services).addRoutes(to: web)
    RegistrationController(services: services).addRoutes(to: web)
    IntakeController(services: services).addRoutes(to: web)
    LBTController(services: services).addRoutes(to: web)
    PIPController(services: services).addRoutes(to: web)
    ProgressController(services: services).addRoutes(to: web)
    EnforcementController(services: services).addRoutes(to: web)
    CloseController(services: services).addRoutes(to: web)
    TeamController(services: services).addRoutes(to: web)
    HandoverController(services: services).addRoutes(to: web)
    DerdenController(services: services).addRoutes(to: web)
    ReferralsController(services: services).addRoutes(to: web)
    ProvidersController(services: services).addRoutes(to: web)
    PartnerController(services: services).addRoutes(to: web)
    let participants = ParticipantController(services: services)
    participants.addRoutes(to: web)
    LessonsController(services: services, participants: participants).addRoutes(to: web)
    TasksController(services: services).addRoutes(to: web)
    WithdrawController(services: services).addRoutes(to: web)
    AgendaController(services: services).addRoutes(to: web)
    DocumentsController(services: services).addRoutes(to: web)
    SettingsController(services: services).addRoutes(to: web)
    FiguresController(services: services).addRoutes(to: web)
    AuditController(services: services).addRoutes(to: web)
    APIKeysController(services: services).addRoutes(to: web)
    UsersController(services: services).addRoutes(to: web)
    PasswordSetController(services: services).addRoutes(to: web)
    RulesController(services: services).addRoutes(to: web)
    DUOController(services: services).addRoutes(to: web)
    DetailsController(services: services).addRoutes(to: web)
    OntzorgenController(services: services).addRoutes(to: web)
    BetaalrunController(services: services).addRoutes(to: web)
    // Anything else is a page that does not exist, rendered with the layout.
    web.get("**") { _, _ -> Response in throw AppError.notFound }
    return router
}

/// Serves `/static/…` from the module's `Public` folder before routing, so the catch-all page for
/// unknown paths never shadows a stylesheet.
struct StaticFilesMiddleware: RouterMiddleware {
    typealias Context = RegieRequestContext
    let files: FileMiddleware<RegieRequestContext, LocalFileSystem>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.path.hasPrefix("/static/") else { return try await next(request, context) }
        return try await files.handle(request, context: context) { _, _ in throw HTTPError(.notFound) }
    }
}
