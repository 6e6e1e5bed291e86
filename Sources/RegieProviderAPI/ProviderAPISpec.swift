import Foundation

/// The OpenAPI document of the provider API (issue 18 item 5), served at
/// `/api/aanbieder/v1/openapi.json`; this module's code is generated from it.
public enum ProviderAPISpec {
    public static let version = "1.0.0"
    public static let basePath = "/api/aanbieder/v1"

    public static func document() throws -> Data {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json") else {
            throw CocoaError(.fileNoSuchFile)
        }
        return try Data(contentsOf: url)
    }
}
