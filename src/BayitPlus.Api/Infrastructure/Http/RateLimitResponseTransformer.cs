using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace BayitPlus.Api.Infrastructure.Http;

/// <summary>The global rate limiter can answer any endpoint with 429, so every operation documents
/// it (with Retry-After) without each endpoint repeating it.</summary>
public sealed class RateLimitResponseTransformer : IOpenApiOperationTransformer
{
    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        operation.Responses ??= [];
        if (operation.Responses.ContainsKey("429"))
        {
            return;
        }

        var problem = await context.GetOrCreateSchemaAsync(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), cancellationToken: cancellationToken);
        operation.Responses["429"] = new OpenApiResponse
        {
            Description = "Too many requests from this client; retry after the Retry-After header's seconds.",
            Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new() { Schema = problem } },
        };
    }
}
