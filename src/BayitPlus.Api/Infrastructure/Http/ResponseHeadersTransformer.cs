using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.OpenApi;

namespace BayitPlus.Api.Infrastructure.Http;

/// <summary>
/// The headers responses carry, described once under <c>components.headers</c> and referenced
/// wherever the server sends them: the rate-limit headers on every 2xx and 4xx of an operation its
/// endpoint rate-limits (<see cref="RateLimiting.UseClientRateLimits"/> writes them on every
/// response; the 5xx are left out only as they say nothing a client acts on), and
/// <c>Access-Control-Allow-Origin</c> on every response (CORS adds it to whatever the API answers).
/// <c>Retry-After</c> and <c>Location</c> are placed by <see cref="ErrorResponsesTransformer"/>.
/// The headers are added by the document pass, after every operation transformer, so responses any
/// of them declared are covered.
/// </summary>
public sealed class ResponseHeadersTransformer(ClientRateLimits limits) : IOpenApiOperationTransformer, IOpenApiDocumentTransformer
{
    public const string RetryAfter = "Retry-After";
    public const string Location = "Location";
    public const string AllowOrigin = "Access-Control-Allow-Origin";

    private const string RateLimitedKey = "bayitplus-rate-limited";
    private const string Int32Max = "2147483647";

    /// <summary>Marks the operations whose endpoint is rate-limited, as the rate limiter decides it.</summary>
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (!context.Description.ActionDescriptor.EndpointMetadata.OfType<DisableRateLimitingAttribute>().Any())
        {
            operation.Metadata ??= new Dictionary<string, object>();
            operation.Metadata[RateLimitedKey] = true;
        }

        return Task.CompletedTask;
    }

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.Headers ??= new Dictionary<string, IOpenApiHeader>();
        foreach (var (name, header) in Components())
        {
            document.Components.Headers[name] = header;
        }

        foreach (var operation in (document.Paths ?? []).SelectMany(path => path.Value.Operations ?? []).Select(operation => operation.Value))
        {
            var rateLimited = operation.Metadata?.ContainsKey(RateLimitedKey) == true;
            foreach (var (status, declared) in operation.Responses ?? [])
            {
                if (declared is not OpenApiResponse response)
                {
                    continue;
                }

                response.Headers ??= new Dictionary<string, IOpenApiHeader>();
                response.Headers[AllowOrigin] = new OpenApiHeaderReference(AllowOrigin, document);
                if (rateLimited && status[0] is '2' or '4')
                {
                    foreach (var name in RateLimiting.HeaderNames)
                    {
                        response.Headers[name] = new OpenApiHeaderReference(name, document);
                    }
                }
            }
        }

        return Task.CompletedTask;
    }

    private Dictionary<string, OpenApiHeader> Components() => new()
    {
        [RateLimiting.LimitHeader] = Integer(
            "Requests per window that the client's limit closest to exhaustion allows (the first entry of RateLimit-Policy). Limits count per client IP address.",
            minimum: "1",
            maximum: Int32Max),
        [RateLimiting.RemainingHeader] = Integer(
            "Requests left in the current window of that limit; 0 on a 429 it caused.",
            minimum: "0",
            maximum: Int32Max),
        [RateLimiting.ResetHeader] = Integer(
            "Seconds until the current window of that limit ends and its count starts again.",
            minimum: "1",
            maximum: ((long)limits.LongestWindow.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture)),
        [RateLimiting.PolicyHeader] = new OpenApiHeader
        {
            Description = "Every limit the request counts against, as permits;w=windowSeconds, comma-separated, the one the other headers describe first: the limit on every request, then the operation's own when it has one (e.g. 5;w=60, 600;w=60).",
            Required = true,
            Schema = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Pattern = "^[0-9]+;w=[0-9]+(, [0-9]+;w=[0-9]+)*$",

                // Two entries of two int32 numbers each.
                MaxLength = 48,
            },
        },
        [AllowOrigin] = new OpenApiHeader
        {
            Description = "The request's Origin, echoed when it is one of the frontend origins this deployment allows (Cors:AllowedOrigins); absent otherwise.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri", MaxLength = 2048 },
        },
        [RetryAfter] = new OpenApiHeader
        {
            Description = "Seconds to wait before retrying.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1", Maximum = Int32Max },
        },
        [Location] = new OpenApiHeader
        {
            Description = "The address of the created resource.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri-reference", MaxLength = 2048 },
        },
    };

    private static OpenApiHeader Integer(string description, string minimum, string maximum) => new()
    {
        Description = description,
        Required = true,
        Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = minimum, Maximum = maximum },
    };
}
