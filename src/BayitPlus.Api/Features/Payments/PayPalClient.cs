using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace BayitPlus.Api.Features.Payments;

/// <summary>PayPal's REST API over the named <see cref="HttpClientName"/> client (base address
/// <see cref="PayPalSettings.ApiBase"/>, timeout <see cref="PayPalSettings.Timeout"/>), with the
/// OAuth2 client-credentials token cached until shortly before it expires. Every failure — a
/// non-2xx answer, a timeout, a dropped connection, a body that is not the JSON expected — is a
/// <see cref="ProviderUnavailableException"/>; PayPal's own message goes to the log only.</summary>
public sealed partial class PayPalClient(PaymentsSettings settings, IHttpClientFactory http, TimeProvider time, ILogger<PayPalClient> logger)
{
    public const string HttpClientName = "paypal";

    public const string DisplayName = "PayPal";

    /// <summary>A token is renewed this long before PayPal says it expires (PayPal's last ~9 hours),
    /// so a request never starts with one about to lapse.</summary>
    private static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(5);

    private readonly SemaphoreSlim _tokenLock = new(1, 1);
    private volatile AccessToken? _token;

    private sealed record AccessToken(string Value, DateTimeOffset RenewAt);

    /// <summary>Calls PayPal and answers its JSON body (an empty object for 204). A 401 means the
    /// cached token was revoked early: it is dropped and the call made once more with a new one.</summary>
    public async Task<JsonElement> SendAsync(HttpMethod method, string path, string? jsonBody, string? requestId, CancellationToken cancellationToken)
    {
        var token = await TokenAsync(null, cancellationToken);
        var (status, body) = await SendOnceAsync(method, path, jsonBody, requestId, token, cancellationToken);
        if (status == HttpStatusCode.Unauthorized)
        {
            token = await TokenAsync(token, cancellationToken);
            (status, body) = await SendOnceAsync(method, path, jsonBody, requestId, token, cancellationToken);
        }

        if ((int)status is < 200 or > 299)
        {
            var error = ErrorName(body);
            LogRefused(logger, method.Method, path, (int)status, error);
            throw new ProviderUnavailableException(DisplayName) { Failure = ProviderFailures.FromStatus((int)status), Reason = $"PayPal HTTP {(int)status} {error}" };
        }

        return Parse(body.Length == 0 ? "{}" : body, path);
    }

    public static ProviderUnavailableException Unavailable() => new(DisplayName);

    private async Task<(HttpStatusCode Status, string Body)> SendOnceAsync(HttpMethod method, string path, string? jsonBody, string? requestId, string token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (requestId is not null)
        {
            request.Headers.Add("PayPal-Request-Id", requestId);
        }

        if (jsonBody is not null)
        {
            request.Content = new StringContent(jsonBody, Encoding.UTF8, "application/json");
        }

        return await ExchangeAsync(request, cancellationToken);
    }

    /// <summary>The cached token, or a new one when there is none, it is due for renewal, or it is
    /// <paramref name="rejected"/>. One caller fetches while the others wait for its result.</summary>
    private async Task<string> TokenAsync(string? rejected, CancellationToken cancellationToken)
    {
        if (_token is { } cached && cached.Value != rejected && time.GetUtcNow() < cached.RenewAt)
        {
            return cached.Value;
        }

        await _tokenLock.WaitAsync(cancellationToken);
        try
        {
            if (_token is { } current && current.Value != rejected && time.GetUtcNow() < current.RenewAt)
            {
                return current.Value;
            }

            var fresh = await FetchTokenAsync(cancellationToken);
            _token = fresh;
            return fresh.Value;
        }
        finally
        {
            _tokenLock.Release();
        }
    }

    private async Task<AccessToken> FetchTokenAsync(CancellationToken cancellationToken)
    {
        var paypal = settings.PayPal;
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/oauth2/token")
        {
            Content = new FormUrlEncodedContent([new("grant_type", "client_credentials")]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{paypal.ClientId}:{paypal.ClientSecret}")));
        var (status, body) = await ExchangeAsync(request, cancellationToken);
        if (status != HttpStatusCode.OK)
        {
            LogRefused(logger, "POST", "/v1/oauth2/token", (int)status, ErrorName(body));
            throw Unavailable();
        }

        var answer = Parse(body, "/v1/oauth2/token");
        if (PayPalJson.String(answer, "access_token") is not { Length: > 0 } value || PayPalJson.Number(answer, "expires_in") is not { } seconds || seconds <= 0)
        {
            LogMalformed(logger, "/v1/oauth2/token");
            throw Unavailable();
        }

        var lifetime = TimeSpan.FromSeconds((double)seconds);
        var renewAt = time.GetUtcNow() + (lifetime > RenewBefore * 2 ? lifetime - RenewBefore : lifetime / 2);
        return new AccessToken(value, renewAt);
    }

    private async Task<(HttpStatusCode Status, string Body)> ExchangeAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        try
        {
            using var response = await http.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
            return (response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
        }
        catch (Exception error) when (error is HttpRequestException or IOException || (error is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogUnreachable(logger, request.Method.Method, request.RequestUri?.OriginalString ?? "", error.GetType().Name);
            throw Unavailable();
        }
    }

    private JsonElement Parse(string body, string path)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return document.RootElement.Clone();
            }
        }
        catch (JsonException)
        {
            // Logged and answered as unavailable below, as any other body that is not an object.
        }

        LogMalformed(logger, path);
        throw Unavailable();
    }

    /// <summary>PayPal's error name (<c>RESOURCE_NOT_FOUND</c>, <c>invalid_client</c>, …) for the
    /// log; never its message, which may echo request data.</summary>
    private static string ErrorName(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var name = root.ValueKind == JsonValueKind.Object ? PayPalJson.String(root, "name") ?? PayPalJson.String(root, "error") : null;
            return name is { Length: <= 64 } ? name : "unknown";
        }
        catch (JsonException)
        {
            return "unreadable";
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "PayPal refused {Method} {Path}: {Status} {Error}")]
    private static partial void LogRefused(ILogger logger, string method, string path, int status, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "PayPal could not be reached for {Method} {Path} ({Error})")]
    private static partial void LogUnreachable(ILogger logger, string method, string path, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "PayPal answered {Path} with a body this API cannot read")]
    private static partial void LogMalformed(ILogger logger, string path);
}

/// <summary>Reading PayPal's JSON: absent, null or mistyped members read as null, so a mapping
/// decides what a missing field means instead of failing on it.</summary>
public static class PayPalJson
{
    public static JsonElement? Member(JsonElement element, params string[] path)
    {
        var current = element;
        foreach (var name in path)
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out current) || current.ValueKind == JsonValueKind.Null)
            {
                return null;
            }
        }

        return current;
    }

    public static string? String(JsonElement element, params string[] path) =>
        Member(element, path) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    public static decimal? Number(JsonElement element, params string[] path) =>
        Member(element, path) is { ValueKind: JsonValueKind.Number } value && value.TryGetDecimal(out var number) ? number : null;

    /// <summary>A money amount, which PayPal writes as a string ("9.99"; a refund sometimes "-9.99").</summary>
    public static decimal? Money(JsonElement element, params string[] path) =>
        decimal.TryParse(String(element, path), System.Globalization.NumberStyles.AllowDecimalPoint | System.Globalization.NumberStyles.AllowLeadingSign,
            System.Globalization.CultureInfo.InvariantCulture, out var amount) ? Math.Abs(amount) : null;

    public static DateTime? Time(JsonElement element, params string[] path) =>
        DateTimeOffset.TryParse(String(element, path), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var value)
            ? value.UtcDateTime
            : null;

    /// <summary>The <c>href</c> of the HATEOAS link with this <c>rel</c>.</summary>
    public static string? Link(JsonElement element, string rel)
    {
        if (Member(element, "links") is not { ValueKind: JsonValueKind.Array } links)
        {
            return null;
        }

        foreach (var link in links.EnumerateArray())
        {
            if (String(link, "rel") == rel)
            {
                return String(link, "href");
            }
        }

        return null;
    }
}
