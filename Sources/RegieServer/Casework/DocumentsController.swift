import Foundation
import Hummingbird
import RegieStorage

/// Documents in a case file: uploaded with a title (size-limited, type-checked by content, sealed
/// at rest), listed, and downloaded as attachments; every upload and download is audited.
struct DocumentsController {
    let services: AppServices
    var loader: CaseLoader { CaseLoader(services: services) }

    /// Largest document the API accepts (7 MiB: in base64 it still fits a JSON body under the 10 MiB limit).
    static let maximumBytes = 7 * 1024 * 1024
    /// Largest document the web form accepts: a scanned letter of several pages. Streamed to sealed
    /// chunks as it arrives (`StreamedMultipart`), never held whole in memory.
    static let maximumStreamedBytes = 20 * 1024 * 1024

    /// A file to store: from the API (its bytes) or from the web form (streamed and sealed).
    enum Upload {
        case data(filename: String, bytes: Data)
        case streamed(StreamedUpload)

        var filename: String {
            switch self {
            case .data(let filename, _): filename
            case .streamed(let upload): upload.filename
            }
        }
        var size: Int {
            switch self {
            case .data(_, let bytes): bytes.count
            case .streamed(let upload): upload.size
            }
        }
        var limit: Int {
            switch self {
            case .data: DocumentsController.maximumBytes
            case .streamed: DocumentsController.maximumStreamedBytes
            }
        }
        var head: Data {
            switch self {
            case .data(_, let bytes): Data(bytes.prefix(1024))
            case .streamed(let upload): upload.head
            }
        }
        var tail: Data {
            switch self {
            case .data(_, let bytes): Data(bytes.suffix(256 * 1024))
            case .streamed(let upload): upload.tail
            }
        }
        var tooLarge: Bool {
            switch self {
            case .data(_, let bytes): bytes.count > DocumentsController.maximumBytes
            case .streamed(let upload): upload.tooLarge
            }
        }
        var content: DocumentContent? {
            switch self {
            case .data(_, let bytes): .data(bytes)
            case .streamed(let upload): upload.sealedChunks.map(DocumentContent.sealedChunks)
            }
        }
    }

    func addRoutes(to router: RouterGroup<RegieRequestContext>) {
        router.get(RouterPath(SiteRoute.documentsPattern), use: show)
        router.post(RouterPath(SiteRoute.documentsPattern), use: upload)
        router.get(RouterPath(SiteRoute.documentPattern), use: download)
    }

    /// The kinds accepted, recognised by their first bytes (never by the name or the browser's claim).
    enum Kind: String, CaseIterable {
        case pdf, png, jpeg, docx, odt

        var contentType: String {
            switch self {
            case .pdf: "application/pdf"
            case .png: "image/png"
            case .jpeg: "image/jpeg"
            case .docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            case .odt: "application/vnd.oasis.opendocument.text"
            }
        }

        /// From the file's first bytes (`head`) and, for a ZIP, its last ones (`tail`, the central directory).
        static func detect(head: Data, tail: Data, size: Int) -> Kind? {
            let bytes = [UInt8](head.prefix(8))
            if bytes.starts(with: Array("%PDF-".utf8)) { return .pdf }
            if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
            if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
            if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
                // A ZIP is whatever it holds, never what its name says: a zip of anything named .docx is refused.
                if ZipContainer.isWordDocument(tail: tail, size: size) { return .docx }
                if ZipContainer.isOpenDocumentText(head: head, tail: tail, size: size) { return .odt }
            }
            return nil
        }
    }

    struct Row { let title: String; let filename: String; let size: String; let date: String; let href: String }
    struct DocumentsView { let name: String; let backHref: String; let rows: [Row]; let hasRows: Bool; let summary: ErrorSummary; let fields: [FieldView]; let action: String; let canUpload: Bool }

    func show(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await loader.load(context, permission: .readCasework)
        try await services.record("casework.documents.view", context: context, permission: .readCasework, person: loaded.person)
        return try await render(loaded, input: FormData(), errors: [], context: context, status: .ok)
    }

    /// "20 MB", "1,4 MB" (Dutch decimal comma), "12 kB".
    static func size(_ bytes: Int) -> String {
        guard bytes >= 1024 * 1024 else { return "\(max(1, bytes / 1024)) kB" }
        if bytes % (1024 * 1024) == 0 { return "\(bytes / (1024 * 1024)) MB" }
        let tenths = Int((Double(bytes) / 104_857.6).rounded())
        return "\(tenths / 10),\(tenths % 10) MB"
    }

    private func render(_ loaded: CaseLoader.Loaded, input: FormData, errors: [AppError.FieldError], context: RegieRequestContext, status: HTTPResponse.Status) async throws -> Response {
        let t = services.catalogue
        let l = context.locale
        let documents = try await services.casework.listDocuments(personId: loaded.person.id, scope: loaded.scope)
        let rows = documents.map { d in
            Row(title: d.title, filename: d.filename, size: Self.size(d.sizeBytes),
                date: DisplayDate.formatMoment(Date(timeIntervalSince1970: TimeInterval(d.uploadedAt))), href: SiteRoute.document(loaded.person.id, d.id).path)
        }
        return try services.views.render(
            "documents", titleKey: "documents.title", titleArguments: ["name": loaded.person.displayName(services.catalogue, context.locale)],
            content: DocumentsView(
                name: loaded.person.displayName(services.catalogue, context.locale), backHref: SiteRoute.person(loaded.person.id).path, rows: rows, hasRows: !rows.isEmpty,
                summary: ErrorSummary(errors), fields: [
                    FieldView(.input("text"), name: "title", label: t.text("documents.titleField", l), hint: t.text("documents.titleHint", l), value: input.raw("title") ?? "", required: true, errors: errors),
                    FieldView(.input("file"), name: "file", label: t.text("documents.file", l), hint: t.text("documents.fileHint", l), required: true, errors: errors,
                              extra: "accept=\".pdf,.png,.jpg,.jpeg,.docx,.odt\""),
                ],
                action: SiteRoute.documents(loaded.person.id).path, canUpload: Policy.allows(loaded.principal, .editPersons)),
            context: context, notice: context.form["melding"] == "opgeslagen" ? t.text("documents.saved", l) : nil, status: status)
    }

    func upload(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await loader.load(context, permission: .editPersons)
        let file = context.streamedUploads["file"].map(Upload.streamed)
        do {
            _ = try await recordDocument(loaded, title: context.form["title"], file: file, context: context)
        } catch let invalid as FormErrors {
            return try await render(loaded, input: context.form, errors: invalid.fields, context: context, status: invalid.status)
        }
        return Response(status: .seeOther, headers: [.location: SiteRoute.documents(loaded.person.id).path + "?melding=opgeslagen"])
    }

    /// Checks and stores a document; throws `FormErrors`.
    func recordDocument(_ loaded: CaseLoader.Loaded, title: String?, file: Upload?, context: RegieRequestContext) async throws -> DocumentRecord {
        var v = Validator(services.catalogue, context.locale)
        let title = v.text("title", title, label: "documents.titleField", maxLength: 200)
        var kind: Kind?
        var tooLarge = false
        if let file, file.size > 0 {
            if file.tooLarge {
                v.fail("file", "documents.errors.tooLarge", ["max": Self.size(file.limit)])
                tooLarge = true
            } else if let detected = Kind.detect(head: file.head, tail: file.tail, size: file.size) {
                kind = detected
            } else {
                v.fail("file", "documents.errors.type")
            }
        } else {
            v.fail("file", "documents.errors.missing")
        }
        guard v.isValid, let title, let file, let kind, let content = file.content else {
            throw FormErrors(v.errors, status: tooLarge ? .contentTooLarge : .badRequest)
        }
        let safeName = String(file.filename.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last ?? "document")
            .filter { !$0.isNewline && $0 != "\"" }.prefix(120)
        let record = DocumentRecord(id: CaseLoader.newID(), personId: loaded.person.id, title: title, filename: String(safeName), contentType: kind.contentType,
                                    sizeBytes: file.size, uploadedBy: loaded.principal.actorId, uploadedAt: services.clock.now().epochSeconds)
        let event = services.auditEvent("casework.document.upload", context: context, permission: .editPersons, person: loaded.person, detail: "document: \(record.id)")
        guard let saved = try await services.casework.insertDocument(record, content: content, scope: loaded.scope, actor: CaseLoader.actor(loaded.principal),
                                                                     audit: event, now: services.clock.now()) else { throw AppError.notFound }
        return saved
    }

    func download(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await loader.load(context, permission: .readCasework)
        let documentId = try context.parameters.require("document")
        guard let (record, data) = try await services.casework.fetchDocument(personId: loaded.person.id, documentId: documentId, scope: loaded.scope) else {
            throw AppError.notFound
        }
        try await services.record("casework.document.download", context: context, permission: .readCasework, person: loaded.person, detail: "document: \(record.id)")
        let ascii = record.filename.unicodeScalars.map { $0.isASCII && $0.value >= 32 ? String($0) : "_" }.joined()
        let encoded = record.filename.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "document"
        return Response(status: .ok, headers: [
            .contentType: record.contentType, .cacheControl: "no-store",
            .contentDisposition: "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)",
        ], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
