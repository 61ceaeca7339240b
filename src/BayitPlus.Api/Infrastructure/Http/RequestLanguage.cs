using System.Text.Json.Nodes;
using Microsoft.Net.Http.Headers;
using Microsoft.OpenApi;

namespace BayitPlus.Api.Infrastructure.Http;

/// <summary>The language a response is written in: the <c>lang</c> query parameter, else the best
/// <c>Accept-Language</c> match, else Hebrew. The choice is announced in <c>Content-Language</c>.</summary>
public static class RequestLanguage
{
    public const string Hebrew = "he";
    public const string English = "en";
    public const string Spanish = "es";

    public static readonly IReadOnlyList<string> Supported = [Hebrew, English, Spanish];

    /// <summary>Documents the <c>lang</c> query parameter on an endpoint whose response is written
    /// in the <see cref="Resolve"/>d language: it is read from the request, not bound, so the
    /// document would not show it otherwise.</summary>
    public static RouteHandlerBuilder WithLanguage(this RouteHandlerBuilder endpoint) => endpoint.AddOpenApiOperationTransformer((operation, _, _) =>
    {
        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = "lang",
            In = ParameterLocation.Query,
            Description = "The language of titles and descriptions. Without it (or with a value not listed), the best match of " +
                "Accept-Language, else Hebrew; the response's Content-Language says which was used.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [.. Supported.Select(language => (JsonNode)JsonValue.Create(language))] },
        });
        return Task.CompletedTask;
    });

    public static string Resolve(HttpContext context)
    {
        var language = Choose(context.Request);
        context.Response.Headers.ContentLanguage = language;
        return language;
    }

    private static string Choose(HttpRequest request)
    {
        if (request.Query.TryGetValue("lang", out var lang) && Match(lang.ToString()) is { } fromQuery)
        {
            return fromQuery;
        }

        if (StringWithQualityHeaderValue.TryParseList(request.Headers.AcceptLanguage, out var ranges))
        {
            foreach (var range in ranges.Where(r => (r.Quality ?? 1) > 0).OrderByDescending(r => r.Quality ?? 1))
            {
                if (Match(range.Value.Value) is { } accepted)
                {
                    return accepted;
                }
            }
        }

        return Hebrew;
    }

    /// <summary>"en-US" → "en"; "iw" (Hebrew's old code) → "he"; anything else → null.</summary>
    private static string? Match(string? tag)
    {
        var primary = tag?.Split('-', 2)[0].Trim().ToLowerInvariant();
        return primary switch
        {
            "he" or "iw" => Hebrew,
            "en" => English,
            "es" => Spanish,
            _ => null,
        };
    }
}
