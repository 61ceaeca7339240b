using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace BayitPlus.Api.Infrastructure.Http;

/// <summary>What the document is, who answers for it and under which terms, for the API reference
/// and the clients generated from it.</summary>
public sealed class DocumentInfoTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "Bayit+ API";
        document.Info.Description = "The backend of Bayit+, a streaming platform in Hebrew, English and Spanish: the VOD catalog, "
            + "podcasts, live TV and radio, accounts and devices, and the admin side. Errors are RFC 9457 problems "
            + "(application/problem+json) with a traceId; lists are { items, nextCursor } pages.";
        document.Info.Contact = new OpenApiContact { Name = "Bayit+ backend team" };
        document.Info.License = new OpenApiLicense { Name = "Proprietary" };
        return Task.CompletedTask;
    }
}
