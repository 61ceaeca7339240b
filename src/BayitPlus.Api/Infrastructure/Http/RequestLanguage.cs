using Microsoft.Net.Http.Headers;

namespace BayitPlus.Api.Infrastructure.Http;

/// <summary>The language a response is written in: the <c>lang</c> query parameter, else the best
/// <c>Accept-Language</c> match, else Hebrew. The choice is announced in <c>Content-Language</c>.</summary>
public static class RequestLanguage
{
    public const string Hebrew = "he";
    public const string English = "en";
    public const string Spanish = "es";

    public static readonly IReadOnlyList<string> Supported = [Hebrew, English, Spanish];

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
