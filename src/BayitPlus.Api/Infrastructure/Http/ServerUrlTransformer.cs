using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace BayitPlus.Api.Infrastructure.Http;

/// <summary>The document's <c>servers</c> entry is the configured public URL (<c>OpenApi:PublicUrl</c>),
/// or the relative <c>/</c>: never built from the request's <c>Host</c> header, which any client
/// sets (a generated client would otherwise call whatever host the document was fetched with).
/// It is marked <c>x-internal: false</c>: this API is meant for the public frontends.</summary>
public sealed class ServerUrlTransformer(IConfiguration configuration) : IOpenApiDocumentTransformer
{
    public const string Setting = "OpenApi:PublicUrl";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Servers =
        [
            new OpenApiServer
            {
                Url = configuration[Setting] is { Length: > 0 } url ? url : "/",
                Extensions = new Dictionary<string, IOpenApiExtension> { ["x-internal"] = new JsonNodeExtension(JsonValue.Create(false)) },
            },
        ];
        return Task.CompletedTask;
    }
}
