using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace BayitPlus.Api.Tests.Features.Payments;

/// <summary>A request the API made to the fake PayPal, its JSON body parsed (null for none or a form).</summary>
public sealed record PayPalRequest(string Method, string Path, JsonNode? Body, string? RequestId, string? Authorization);

/// <summary>
/// A local stand-in for the PayPal REST endpoints the provider calls — the OAuth2 token,
/// subscriptions (create, get, suspend, activate, cancel, revise), sales and captures, sale refunds
/// and verify-webhook-signature — on 127.0.0.1 and a free port. It demands the client credentials
/// for a token and an issued token for everything else (401 otherwise, as PayPal), keeps the
/// subscriptions and sales it created or was given, records every request, fails or stalls the
/// next calls when told to, and confirms a webhook signature only for a transmission it was told
/// is genuine (<see cref="Genuine"/>), for the webhook id it was set up with, carrying that event.
/// </summary>
public sealed class FakePayPal(string clientId, string clientSecret, string webhookId) : IAsyncDisposable
{
    public const string ApproveBase = "https://www.sandbox.paypal.com/webapps/billing/subscriptions?ba_token=";

    private const int Garbled = -1;

    private readonly ConcurrentQueue<PayPalRequest> _requests = new();
    private readonly ConcurrentDictionary<string, JsonObject> _subscriptions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, JsonObject> _sales = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, JsonObject> _captures = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _byRequestId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, JsonObject> _refundsByRequestId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string Signature, string EventId)> _genuine = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _tokens = new(StringComparer.Ordinal);
    private readonly Lock _failuresLock = new();
    private readonly Queue<(int Status, TimeSpan Delay)> _failures = new();
    private WebApplication? _app;

    public Uri BaseUrl { get; private set; } = new("http://127.0.0.1/");

    public IReadOnlyCollection<PayPalRequest> Requests => _requests;

    public int TokenRequests => _requests.Count(r => r.Path == "/v1/oauth2/token");

    public IReadOnlyList<PayPalRequest> RequestsTo(string method, string path) => [.. _requests.Where(r => r.Method == method && r.Path == path)];

    /// <summary>The next <paramref name="times"/> calls (of any endpoint, the token's included)
    /// answer <paramref name="status"/> with a PayPal error whose text must never reach a client.</summary>
    public void FailNext(int status, int times = 1) => Enqueue(status, TimeSpan.Zero, times);

    /// <summary>The next call is answered only after <paramref name="delay"/>.</summary>
    public void StallNext(TimeSpan delay) => Enqueue(0, delay, 1);

    /// <summary>The next call answers 200 with a body that is not JSON.</summary>
    public void GarbleNext() => Enqueue(Garbled, TimeSpan.Zero, 1);

    /// <summary>The token stops working (PayPal revoked it early); the host's own client keeps its
    /// token, so other tests' calls are not answered 401 once.</summary>
    public void RevokeToken(string authorization) => _tokens.TryRemove(authorization["Bearer ".Length..], out _);

    /// <summary>Says the transmission with this id and signature, carrying <paramref name="eventId"/>, came from PayPal.</summary>
    public void Genuine(string transmissionId, string signature, string eventId) => _genuine[transmissionId] = (signature, eventId);

    public JsonObject AddSubscription(JsonObject subscription)
    {
        _subscriptions[subscription["id"]!.GetValue<string>()] = subscription;
        return subscription;
    }

    public JsonObject? Subscription(string id) => _subscriptions.GetValueOrDefault(id);

    public JsonObject AddSale(string id, decimal total, string currency, string? subscriptionId = null) => _sales[id] = new JsonObject
    {
        ["id"] = id,
        ["state"] = "completed",
        ["amount"] = new JsonObject { ["total"] = Money(total), ["currency"] = currency },
        ["billing_agreement_id"] = subscriptionId,
    };

    public JsonObject? Sale(string id) => _sales.GetValueOrDefault(id);

    public JsonObject AddCapture(string id, decimal value, string currency, string status) => _captures[id] = new JsonObject
    {
        ["id"] = id,
        ["status"] = status,
        ["amount"] = new JsonObject { ["value"] = Money(value), ["currency_code"] = currency },
    };

    public static string Money(decimal amount) => amount.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrelCore().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Use(async (http, next) =>
        {
            var body = await RecordAsync(http.Request);
            if (TakeFailure() is { } failure)
            {
                await Task.Delay(failure.Delay, http.RequestAborted);
                if (failure.Status == Garbled)
                {
                    http.Response.ContentType = "application/json";
                    await http.Response.WriteAsync("<html>upstream error</html>");
                    return;
                }

                if (failure.Status != 0)
                {
                    http.Response.StatusCode = failure.Status;
                    await http.Response.WriteAsJsonAsync(Error("INTERNAL_SERVICE_ERROR", $"Fake PayPal failure for client {clientSecret}"));
                    return;
                }
            }

            if (http.Request.Path != "/v1/oauth2/token" && !_tokens.ContainsKey(http.Request.Headers.Authorization.ToString().Replace("Bearer ", "", StringComparison.Ordinal)))
            {
                http.Response.StatusCode = 401;
                await http.Response.WriteAsJsonAsync(new JsonObject { ["error"] = "invalid_token", ["error_description"] = "Token signature verification failed" });
                return;
            }

            http.Items["body"] = body;
            await next(http);
        });
        app.MapPost("/v1/oauth2/token", Token);
        app.MapPost("/v1/billing/subscriptions", (HttpContext http) => Json(CreateSubscription(Body(http), http.Request.Headers["PayPal-Request-Id"].FirstOrDefault())));
        app.MapGet("/v1/billing/subscriptions/{id}", (string id) => _subscriptions.TryGetValue(id, out var s) ? Json(s) : Missing());
        app.MapPost("/v1/billing/subscriptions/{id}/suspend", (string id) => Transition(id, ["ACTIVE"], "SUSPENDED"));
        app.MapPost("/v1/billing/subscriptions/{id}/activate", (string id) => Transition(id, ["SUSPENDED"], "ACTIVE"));
        app.MapPost("/v1/billing/subscriptions/{id}/cancel", (string id) => Transition(id, ["ACTIVE", "SUSPENDED"], "CANCELLED"));
        app.MapPost("/v1/billing/subscriptions/{id}/revise", (string id, HttpContext http) => _subscriptions.ContainsKey(id) ? Json(Revise(id, Body(http))) : Missing());
        app.MapGet("/v1/payments/sale/{id}", (string id) => _sales.TryGetValue(id, out var s) ? Json(s) : Missing());
        app.MapPost("/v1/payments/sale/{id}/refund", (string id, HttpContext http) =>
            _sales.TryGetValue(id, out var s) ? Json(Refund(s, Body(http), http.Request.Headers["PayPal-Request-Id"].FirstOrDefault())) : Missing());
        app.MapGet("/v2/payments/captures/{id}", (string id) => _captures.TryGetValue(id, out var c) ? Json(c) : Missing());
        app.MapPost("/v1/notifications/verify-webhook-signature", (HttpContext http) => Json(new JsonObject { ["verification_status"] = Verify(Body(http)) }));
        app.MapFallback(() => Missing());
        await app.StartAsync();
        _app = app;
        BaseUrl = new Uri(app.Urls.First());
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private async Task<JsonNode?> RecordAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync();
        JsonNode? body = null;
        if (request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) == true && text.Length > 0)
        {
            body = JsonNode.Parse(text);
        }

        _requests.Enqueue(new PayPalRequest(request.Method, request.Path.Value ?? "", body, request.Headers["PayPal-Request-Id"].FirstOrDefault(),
            request.Headers.Authorization.FirstOrDefault()));
        return body;
    }

    private static JsonObject Body(HttpContext http) => http.Items["body"] as JsonObject ?? [];

    private IResult Token(HttpRequest request)
    {
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{clientId}:{clientSecret}"));
        if (request.Headers.Authorization.ToString() != expected)
        {
            return Results.Json(new JsonObject { ["error"] = "invalid_client", ["error_description"] = "Client Authentication failed" }, statusCode: 401);
        }

        var token = $"A21AA{Guid.NewGuid():N}";
        _tokens[token] = true;
        return Json(new JsonObject { ["scope"] = "https://uri.paypal.com/services/subscriptions", ["access_token"] = token, ["token_type"] = "Bearer", ["expires_in"] = 32400 });
    }

    private JsonObject CreateSubscription(JsonObject request, string? requestId)
    {
        if (requestId is not null && _byRequestId.TryGetValue(requestId, out var existing))
        {
            return Created(_subscriptions[existing]);
        }

        var id = $"I-{Guid.NewGuid():N}"[..14].ToUpperInvariant();
        var subscription = new JsonObject
        {
            ["id"] = id,
            ["plan_id"] = request["plan_id"]?.DeepClone(),
            ["status"] = "APPROVAL_PENDING",
            ["custom_id"] = request["custom_id"]?.DeepClone(),
            ["create_time"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
        };
        _subscriptions[id] = subscription;
        if (requestId is not null)
        {
            _byRequestId[requestId] = id;
        }

        return Created(subscription);
    }

    private static JsonObject Created(JsonObject subscription)
    {
        var id = subscription["id"]!.GetValue<string>();
        return new JsonObject
        {
            ["id"] = id,
            ["status"] = subscription["status"]!.DeepClone(),
            ["links"] = new JsonArray(
                Link($"{ApproveBase}BA-{id[2..]}", "approve"),
                Link($"https://api-m.sandbox.paypal.com/v1/billing/subscriptions/{id}", "edit"),
                Link($"https://api-m.sandbox.paypal.com/v1/billing/subscriptions/{id}", "self")),
        };
    }

    private JsonObject Revise(string id, JsonObject request) => new()
    {
        ["plan_id"] = request["plan_id"]?.DeepClone(),
        ["effective_time"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
        ["plan_overridden"] = false,
        ["links"] = new JsonArray(Link($"{ApproveBase}BA-REVISE-{id[2..]}", "approve")),
    };

    private IResult Transition(string id, string[] from, string to)
    {
        if (!_subscriptions.TryGetValue(id, out var subscription))
        {
            return Missing();
        }

        if (!from.Contains(subscription["status"]!.GetValue<string>()))
        {
            return Results.Json(Error("UNPROCESSABLE_ENTITY", "SUBSCRIPTION_STATUS_INVALID"), statusCode: 422);
        }

        subscription["status"] = to;
        if (to == "CANCELLED" && subscription["billing_info"] is JsonObject billing)
        {
            billing.Remove("next_billing_time");
        }

        return Results.NoContent();
    }

    /// <summary>As PayPal does, a refund asked again with the same <c>PayPal-Request-Id</c> answers the first refund and refunds nothing more.</summary>
    private JsonObject Refund(JsonObject sale, JsonObject request, string? requestId)
    {
        if (requestId is not null && _refundsByRequestId.TryGetValue(requestId, out var first))
        {
            return first;
        }

        var total = decimal.Parse(sale["amount"]!["total"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        var refunded = decimal.Parse(sale["refunded"]?.GetValue<string>() ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        var amount = request["amount"]?["total"] is { } partial ? decimal.Parse(partial.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) : total - refunded;
        refunded += amount;
        sale["refunded"] = Money(refunded);
        sale["state"] = refunded >= total ? "refunded" : "partially_refunded";
        var refund = new JsonObject
        {
            ["id"] = $"RF{Guid.NewGuid():N}"[..17].ToUpperInvariant(),
            ["state"] = "completed",
            ["amount"] = new JsonObject { ["total"] = Money(amount), ["currency"] = sale["amount"]!["currency"]!.DeepClone() },
            ["sale_id"] = sale["id"]!.DeepClone(),
        };
        if (requestId is not null)
        {
            _refundsByRequestId[requestId] = refund;
        }

        return refund;
    }

    private string Verify(JsonObject request)
    {
        var transmission = request["transmission_id"]?.GetValue<string>() ?? "";
        var genuine = _genuine.TryGetValue(transmission, out var known)
            && request["transmission_sig"]?.GetValue<string>() == known.Signature
            && request["webhook_id"]?.GetValue<string>() == webhookId
            && request["webhook_event"]?["id"]?.GetValue<string>() == known.EventId
            && request["auth_algo"] is not null && request["cert_url"] is not null && request["transmission_time"] is not null;
        return genuine ? "SUCCESS" : "FAILURE";
    }

    private (int Status, TimeSpan Delay)? TakeFailure()
    {
        lock (_failuresLock)
        {
            return _failures.TryDequeue(out var failure) ? failure : null;
        }
    }

    private void Enqueue(int status, TimeSpan delay, int times)
    {
        lock (_failuresLock)
        {
            for (var i = 0; i < times; i++)
            {
                _failures.Enqueue((status, delay));
            }
        }
    }

    private static JsonObject Link(string href, string rel) => new() { ["href"] = href, ["rel"] = rel, ["method"] = "GET" };

    private static JsonObject Error(string name, string message) => new() { ["name"] = name, ["message"] = message, ["debug_id"] = "f00dfeed" };

    private static IResult Json(JsonNode body) => Results.Content(body.ToJsonString(), "application/json");

    private static IResult Missing() => Results.Json(Error("RESOURCE_NOT_FOUND", "The specified resource does not exist."), statusCode: 404);
}
