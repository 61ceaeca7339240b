using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace BayitPlus.Api.Infrastructure.Http;

/// <summary>
/// The error responses any operation can give without its endpoint saying so: 429 from the global
/// rate limiter, 503 when the database is saturated or unreachable (both with <c>Retry-After</c>),
/// and 500. Each is a reference to the one ProblemDetails schema, and every 201 names its
/// <c>Location</c> header (both headers are described by <see cref="ResponseHeadersTransformer"/>).
/// </summary>
public sealed class ErrorResponsesTransformer : IOpenApiOperationTransformer, IOpenApiDocumentTransformer
{
    public const string ProblemSchema = "ProblemDetails";
    private const string ValidationProblemSchema = "HttpValidationProblemDetails";

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        operation.Responses ??= [];
        Add(operation, context.Document, "429", "Too many requests from this client; retry after the Retry-After header's seconds.", RetryAfter(context.Document));
        Add(operation, context.Document, "500", "An unexpected error; the response carries a traceId to report, never details.", headers: null);
        Add(operation, context.Document, "503", "The service is momentarily unable to answer (its database is saturated or unreachable); retry after the Retry-After header's seconds.", RetryAfter(context.Document));
        if (operation.Responses.TryGetValue("201", out var created) && created is OpenApiResponse response)
        {
            response.Headers ??= new Dictionary<string, IOpenApiHeader>();
            response.Headers[ResponseHeadersTransformer.Location] = new OpenApiHeaderReference(ResponseHeadersTransformer.Location, context.Document);
        }

        return Task.CompletedTask;
    }

    /// <summary>Every problem this API writes carries the request's <c>traceId</c>.</summary>
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var name in new[] { ProblemSchema, ValidationProblemSchema })
        {
            if (document.Components?.Schemas?.TryGetValue(name, out var schema) == true && schema is OpenApiSchema problem)
            {
                problem.Properties ??= new Dictionary<string, IOpenApiSchema>();
                problem.Properties["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The request's trace id, to quote when reporting a problem." };
                problem.Required ??= new HashSet<string>(StringComparer.Ordinal);
                problem.Required.Add("traceId");
            }
        }

        return Task.CompletedTask;
    }

    private static void Add(OpenApiOperation operation, OpenApiDocument? document, string status, string description, Dictionary<string, IOpenApiHeader>? headers)
    {
        if (operation.Responses!.TryGetValue(status, out var declared))
        {
            // Declared by the endpoint (a policy of its own): it still carries the header.
            if (headers is not null && declared is OpenApiResponse response)
            {
                response.Headers ??= new Dictionary<string, IOpenApiHeader>();
                foreach (var (name, header) in headers)
                {
                    response.Headers[name] = header;
                }
            }

            return;
        }

        operation.Responses[status] = new OpenApiResponse
        {
            Description = description,
            Headers = headers,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(ProblemSchema, document) },
            },
        };
    }

    private static Dictionary<string, IOpenApiHeader> RetryAfter(OpenApiDocument? document) => new()
    {
        [ResponseHeadersTransformer.RetryAfter] = new OpenApiHeaderReference(ResponseHeadersTransformer.RetryAfter, document),
    };
}
