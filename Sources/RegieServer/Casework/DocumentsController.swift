import Foundation
import Hummingbird
import RegieCasework
import RegieStorage

/// Documents in a case file: uploaded with a title (size-limited, type-checked by content, sealed
/// at rest), listed, and downloaded as attachments; every upload and download is audited.
struct DocumentsController {
    let services: AppServices
    var loader: CaseLoader { CaseLoader(services: services) }

    func addRoutes(to router: RouterGroup<RegieRequestContext>) {
        router.get(RouterPath(SiteRoute.documentsPattern), use: show)
        router.post(RouterPath(SiteRoute.documentsPattern), use: upload)
        router.get(RouterPath(SiteRoute.documentPattern), use: download)
    }

    struct Row: Encodable { let title: String; let filename: String; let size: String; let date: String; let href: String; let withdraw: WithdrawView? }
    struct DocumentsView: Encodable {
        let name: String; let backHref: String; let rows: [Row]; let hasRows: Bool; let summary: ErrorSummary; let fields: [FieldView]; let action: String
        let canUpload: Bool
        /// Documents withdrawn with a reason (uploaded to the wrong file, the wrong version): no longer handed out.
        let withdrawn: [WithdrawnRow]
        let hasWithdrawn: Bool
    }

    func show(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await loader.load(context, permission: .readCasework)
        try await services.record(.caseworkDocumentsView, context: context, permission: .readCasework, person: loaded.person)
        return try await render(loaded, input: FormData(), errors: [], context: context, status: .ok)
    }

    private func render(_ loaded: CaseLoader.Loaded, input: FormData, errors: [AppError.FieldError], context: RegieRequestContext, status: HTTPResponse.Status) async throws -> Response {
        let t = services.localizer(context)
        let l = context.locale
        let documents = try await services.casework.listDocuments(personId: loaded.person.id, scope: loaded.scope)
        let withdrawn = try await services.casework.listWithdrawn(.document, personId: loaded.person.id, scope: loaded.scope).map { WithdrawnRow($0, t) }
        let canEdit = Policy.allows(loaded.principal, .editPersons)
        let rows = documents.map { d in
            Row(title: d.title, filename: d.filename, size: UploadedFile.size(d.sizeBytes),
                date: DisplayDate.formatMoment(Date(timeIntervalSince1970: TimeInterval(d.uploadedAt))), href: SiteRoute.document(loaded.person.id, d.id).path,
                withdraw: canEdit ? WithdrawView(.document, personId: loaded.person.id, recordId: d.id, form: context.form) : nil)
        }
        return try services.views.render(
            "documents", titleKey: "documents.title", titleArguments: ["name": loaded.person.displayName(services.localizer(context))],
            content: DocumentsView(
                name: loaded.person.displayName(services.localizer(context)), backHref: SiteRoute.person(loaded.person.id).path, rows: rows, hasRows: !rows.isEmpty,
                summary: ErrorSummary(errors), fields: [
                    FieldView(.input("text"), name: "title", label: t("documents.titleField"), hint: t("documents.titleHint"), value: input.raw("title") ?? "", required: true, errors: errors),
                    FieldView(.input("file"), name: "file", label: t("documents.file"), hint: t("documents.fileHint"), required: true, errors: errors,
                              extra: "accept=\".pdf,.png,.jpg,.jpeg,.docx,.odt\""),
                ],
                action: SiteRoute.documents(loaded.person.id).path, canUpload: canEdit, withdrawn: withdrawn, hasWithdrawn: !withdrawn.isEmpty),
            context: context, notice: context.form["melding"] == "opgeslagen" ? t("documents.saved")
                : context.form["melding"] == "ingetrokken" ? t("documents.withdrawn") : nil, status: status)
    }

    func upload(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await loader.load(context, permission: .editPersons)
        let file = context.streamedUploads["file"].map(\.uploaded)
        do {
            _ = try await recordDocument(loaded, title: context.form["title"], file: file, context: context)
        } catch let invalid as FormErrors {
            return try await render(loaded, input: context.form, errors: invalid.fields, context: context, status: invalid.status)
        }
        return Response(status: .seeOther, headers: [.location: SiteRoute.documents(loaded.person.id).path + "?melding=opgeslagen"])
    }

    /// Checks and stores a document; throws `FormErrors`.
    func recordDocument(_ loaded: CaseLoader.Loaded, title: String?, file: UploadedFile?, context: RegieRequestContext) async throws -> DocumentRecord {
        try await services.run(AddDocument(file: loaded.file, title: title, upload: file), on: loaded, context: context)
    }

    func download(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let loaded = try await loader.load(context, permission: .readCasework)
        let documentId = try context.parameters.require("document")
        guard let (record, data) = try await services.casework.fetchDocument(personId: loaded.person.id, documentId: documentId, scope: loaded.scope) else {
            throw AppError.notFound
        }
        try await services.record(.caseworkDocumentDownload, context: context, permission: .readCasework, person: loaded.person, detail: "document: \(record.id)")
        let ascii = record.filename.unicodeScalars.map { $0.isASCII && $0.value >= 32 ? String($0) : "_" }.joined()
        let encoded = QueryValue.encode(record.filename)
        return Response(status: .ok, headers: [
            .contentType: record.contentType, .cacheControl: "no-store",
            .contentDisposition: "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)",
        ], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension StreamedUpload {
    /// The file as the document command reads it: streamed to sealed chunks as it arrived, with no
    /// content when it was larger than the form's limit.
    var uploaded: UploadedFile {
        UploadedFile(filename: filename, size: size, head: head, tail: tail, limit: AddDocument.maximumStreamedBytes,
                     content: sealedChunks.map(DocumentContent.sealedChunks))
    }
}
