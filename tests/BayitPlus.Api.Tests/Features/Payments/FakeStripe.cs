using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace BayitPlus.Api.Tests.Features.Payments;

/// <summary>A request the API made to the fake Stripe: form fields flattened as Stripe.net sends
/// them (<c>metadata[planId]</c>, <c>line_items[0][price_data][currency]</c>).</summary>
public sealed record StripeRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Form, string? IdempotencyKey, string? Authorization)
{
    public string? this[string field] => Form.GetValueOrDefault(field);
}

/// <summary>
/// A local stand-in for the few Stripe endpoints the provider calls (checkout sessions,
/// subscriptions, refunds, payment intents, charges, invoice payments), on 127.0.0.1 and a free
/// port, so the real Stripe.net client runs in the tests without the internet. It answers with
/// Stripe-shaped JSON, keeps the subscriptions it was told about and the refunds it made (listed by
/// <c>payment_intent</c> or <c>charge</c>), records every request,
/// and fails the next calls when told to (<see cref="FailNext"/>).
/// </summary>
public sealed class FakeStripe : IAsyncDisposable
{
    private readonly ConcurrentQueue<StripeRequest> _requests = new();
    private readonly ConcurrentDictionary<string, JsonObject> _subscriptions = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<JsonObject> _refunds = new();
    private readonly ConcurrentDictionary<string, JsonObject[]> _lineItems = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _currencies = new(StringComparer.Ordinal);
    private readonly Lock _failuresLock = new();
    private readonly Queue<(int Status, string? Code)> _failures = new();
    private WebApplication? _app;

    public Uri BaseUrl { get; private set; } = new("http://127.0.0.1/");

    public IReadOnlyCollection<StripeRequest> Requests => _requests;

    /// <summary>Makes the payment (PaymentIntent or charge) <paramref name="id"/> one in <paramref name="currency"/>; others are in USD.</summary>
    public void SetCurrency(string id, string currency) => _currencies[id] = currency.ToLowerInvariant();

    private string CurrencyOf(string id) => _currencies.GetValueOrDefault(id, "usd");

    /// <summary>The requests made to <paramref name="path"/> (e.g. <c>/v1/checkout/sessions</c>) with
    /// this form field value, so a test finds its own among the other tests' calls.</summary>
    public IReadOnlyList<StripeRequest> RequestsTo(string method, string path, string? field = null, string? value = null) =>
        [.. _requests.Where(r => r.Method == method && r.Path == path && (field is null || r[field] == value))];

    /// <summary>The next <paramref name="times"/> calls answer <paramref name="status"/> with a Stripe
    /// error (of <paramref name="code"/>, when given) whose message must never reach the API's clients.</summary>
    public void FailNext(int status, int times = 1, string? code = null)
    {
        lock (_failuresLock)
        {
            for (var i = 0; i < times; i++)
            {
                _failures.Enqueue((status, code));
            }
        }
    }

    /// <summary>Makes the fake know a subscription (as Stripe would after a checkout).</summary>
    public JsonObject AddSubscription(JsonObject subscription)
    {
        _subscriptions[subscription["id"]!.GetValue<string>()] = subscription;
        return subscription;
    }

    public JsonObject? Subscription(string id) => _subscriptions.GetValueOrDefault(id);

    /// <summary>Makes the fake list these line items for the checkout session <paramref name="sessionId"/>.</summary>
    public void SetLineItems(string sessionId, params JsonObject[] items) => _lineItems[sessionId] = items;

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrelCore().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Use(async (http, next) =>
        {
            await RecordAsync(http.Request);
            if (TakeFailure() is { } failure)
            {
                http.Response.StatusCode = failure.Status;
                http.Response.Headers["Stripe-Should-Retry"] = "false";
                var type = failure.Status switch { 402 => "card_error", < 500 => "invalid_request_error", _ => "api_error" };
                await http.Response.WriteAsJsonAsync(Error(type, "Fake Stripe internal failure sk_test_secret_detail", failure.Code));
                return;
            }

            await next(http);
        });
        app.MapPost("/v1/checkout/sessions", (HttpRequest request) => Json(CheckoutSession(Form(request))));
        app.MapGet("/v1/checkout/sessions/{id}/line_items", (string id) =>
            Json(StripePayloads.List($"/v1/checkout/sessions/{id}/line_items", _lineItems.GetValueOrDefault(id) ?? [])));
        app.MapGet("/v1/subscriptions/{id}", (string id) => _subscriptions.TryGetValue(id, out var s) ? Json(s) : Missing(id));
        app.MapPost("/v1/subscriptions/{id}", (string id, HttpRequest request) => _subscriptions.TryGetValue(id, out var s) ? Json(UpdateSubscription(s, Form(request))) : Missing(id));
        app.MapDelete("/v1/subscriptions/{id}", (string id) => _subscriptions.TryGetValue(id, out var s) ? Json(CancelSubscription(s)) : Missing(id));
        app.MapPost("/v1/refunds", async (HttpRequest request) => Json(await Refund(Form(request))));
        app.MapGet("/v1/refunds", (string? payment_intent, string? charge) => Json(StripePayloads.List("/v1/refunds", [.. _refunds.Where(r =>
            (payment_intent is not null && r["payment_intent"]?.GetValue<string>() == payment_intent) || (charge is not null && r["charge"]?.GetValue<string>() == charge))])));
        app.MapGet("/v1/payment_intents/{id}", (string id) => Json(new JsonObject { ["id"] = id, ["object"] = "payment_intent", ["amount"] = 999, ["currency"] = CurrencyOf(id), ["status"] = "succeeded" }));
        app.MapGet("/v1/charges/{id}", (string id) => Json(new JsonObject { ["id"] = id, ["object"] = "charge", ["amount"] = 999, ["currency"] = CurrencyOf(id), ["status"] = "succeeded" }));
        app.MapGet("/v1/invoice_payments", () => Json(StripePayloads.List("/v1/invoice_payments")));
        app.MapFallback((HttpRequest request) => Results.Json(Error("invalid_request_error", $"Unrecognized request URL ({request.Method}: {request.Path})."), statusCode: 404));
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

    private async Task RecordAsync(HttpRequest request)
    {
        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        if (request.HasFormContentType)
        {
            foreach (var (key, value) in await request.ReadFormAsync())
            {
                form[key] = value.ToString();
            }
        }

        _requests.Enqueue(new StripeRequest(request.Method, request.Path.Value ?? "", request.QueryString.Value ?? "", form,
            request.Headers["Idempotency-Key"].FirstOrDefault(), request.Headers.Authorization.FirstOrDefault()));
    }

    private (int Status, string? Code)? TakeFailure()
    {
        lock (_failuresLock)
        {
            return _failures.TryDequeue(out var failure) ? failure : null;
        }
    }

    private static Dictionary<string, string> Form(HttpRequest request) =>
        request.HasFormContentType ? request.Form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal) : [];

    private static IResult Json(JsonObject body) => Results.Content(body.ToJsonString(), "application/json");

    private static IResult Missing(string id) => Results.Json(Error("invalid_request_error", $"No such subscription: '{id}'", "resource_missing"), statusCode: 404);

    private static JsonObject Error(string type, string message, string? code = null) =>
        new() { ["error"] = new JsonObject { ["type"] = type, ["message"] = message, ["code"] = code } };

    private static JsonObject Metadata(Dictionary<string, string> form, string prefix)
    {
        var metadata = new JsonObject();
        foreach (var (key, value) in form.Where(f => f.Key.StartsWith(prefix + "[", StringComparison.Ordinal)))
        {
            metadata[key[(prefix.Length + 1)..^1]] = value;
        }

        return metadata;
    }

    private static JsonObject CheckoutSession(Dictionary<string, string> form)
    {
        var id = $"cs_test_{Guid.NewGuid():N}";
        return new JsonObject
        {
            ["id"] = id,
            ["object"] = "checkout.session",
            ["mode"] = form.GetValueOrDefault("mode"),
            ["status"] = "open",
            ["payment_status"] = "unpaid",
            ["client_reference_id"] = form.GetValueOrDefault("client_reference_id"),
            ["customer_email"] = form.GetValueOrDefault("customer_email"),
            ["success_url"] = form.GetValueOrDefault("success_url"),
            ["cancel_url"] = form.GetValueOrDefault("cancel_url"),
            ["metadata"] = Metadata(form, "metadata"),
            ["currency"] = form.GetValueOrDefault("line_items[0][price_data][currency]"),
            ["amount_total"] = long.TryParse(form.GetValueOrDefault("line_items[0][price_data][unit_amount]"), out var amount) ? amount : null,
            ["url"] = $"https://checkout.stripe.com/c/pay/{id}",
            ["livemode"] = false,
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        };
    }

    private static JsonObject CancelSubscription(JsonObject subscription)
    {
        lock (subscription)
        {
            subscription["status"] = "canceled";
            return subscription;
        }
    }

    private static JsonObject UpdateSubscription(JsonObject subscription, Dictionary<string, string> form)
    {
        lock (subscription)
        {
            if (form.TryGetValue("cancel_at_period_end", out var cancel))
            {
                subscription["cancel_at_period_end"] = cancel == "true";
            }

            foreach (var (key, value) in Metadata(form, "metadata"))
            {
                subscription["metadata"]![key] = value?.DeepClone();
            }

            var item = subscription["items"]!["data"]![0]!;
            if (form.GetValueOrDefault("items[0][price]") is { } priceId)
            {
                item["price"]!["id"] = priceId;
            }
            else if (form.GetValueOrDefault("items[0][price_data][unit_amount]") is { } unitAmount)
            {
                item["price"] = StripePayloads.Price(long.Parse(unitAmount, System.Globalization.CultureInfo.InvariantCulture),
                    form["items[0][price_data][currency]"], form["items[0][price_data][recurring][interval]"], form["items[0][price_data][product]"]);
            }

            return (JsonObject)subscription.DeepClone();
        }
    }

    /// <summary>Called with each refund made, before the fake answers: a test delivers the refund's
    /// webhook event from here to have it overtake the answer, as Stripe's may.</summary>
    public Func<JsonObject, Task>? BeforeRefundAnswer { get; set; }

    /// <summary>Creates a refund the fake then lists, as Stripe lists a charge's refunds.</summary>
    private async Task<JsonObject> Refund(Dictionary<string, string> form)
    {
        var refund = NewRefund(form);
        _refunds.Enqueue(refund);
        if (BeforeRefundAnswer is { } before)
        {
            await before(refund);
        }

        return refund;
    }

    private static JsonObject NewRefund(Dictionary<string, string> form) => new()
    {
        ["id"] = $"re_{Guid.NewGuid():N}",
        ["object"] = "refund",
        ["amount"] = long.TryParse(form.GetValueOrDefault("amount"), out var amount) ? amount : 999,
        ["currency"] = "usd",
        ["payment_intent"] = form.GetValueOrDefault("payment_intent"),
        ["charge"] = form.GetValueOrDefault("charge"),
        ["reason"] = form.GetValueOrDefault("reason"),
        ["metadata"] = Metadata(form, "metadata"),
        ["status"] = "succeeded",
        ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
    };
}
