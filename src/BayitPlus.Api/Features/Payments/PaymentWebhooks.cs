using System.Text;
using System.Text.Json.Nodes;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Infrastructure.Security;
using BayitPlus.Api.Infrastructure.Validation;
using Carter;
using FluentValidation;
using Mediator;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Payments;

/// <summary>The answer to a webhook delivery the API accepted.</summary>
/// <param name="Received">Always true: the event is applied (or needs nothing), and the provider may stop delivering it.</param>
/// <param name="Duplicate">True when the event had been applied before: this delivery changed nothing.</param>
public sealed record PaymentWebhookResponse(bool Received, bool Duplicate);

/// <summary>The rate-limit policy of the webhooks (<c>RateLimits:payment-webhooks</c>).</summary>
public static class PaymentRateLimits
{
    /// <summary><c>POST /api/payments/webhooks/{provider}</c>: <see cref="WebhooksPerMinute"/> a minute per
    /// address, instead of the global limit.</summary>
    public const string Webhooks = "payment-webhooks";

    /// <summary>Stripe and PayPal deliver every customer's events from a handful of addresses, so a
    /// renewal run of many subscribers is one address's burst: 600 a minute (the global limit) would
    /// answer it 429 and delay renewals. The limit only stops a flood; it is not what keeps forged
    /// deliveries out (each is refused by its signature, at the cost of one HMAC or one PayPal call).</summary>
    public const int WebhooksPerMinute = 10_000;
}

/// <summary>The providers' events: <c>/api/payments/webhooks/{provider}</c>.</summary>
public sealed class PaymentWebhooksModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app) =>
        ReceivePaymentWebhook.Map(app.MapGroup("/api/payments/webhooks").WithTags("Payment webhooks"));
}

/// <summary>
/// A provider's event, signed by it: checked (signature and age), then applied exactly once by
/// <see cref="ApplyPaymentEvent"/>. A forged, stale or unsigned delivery is a 400 and a <c>high</c>
/// security event <c>webhook_signature_invalid</c>; a signed event of another API version is a 400 and
/// a <c>medium</c> <c>webhook_api_version_mismatch</c>. An event that does not match what this API sells
/// (plan, period, price or user) grants nothing and records a <c>payment_plan_mismatch</c> event, but
/// is still answered 200: it is signed by the provider, so delivering it again would change nothing.
/// </summary>
public static class ReceivePaymentWebhook
{
    /// <summary>Larger than any event Stripe or PayPal sends; a bigger body is refused (413) unread.</summary>
    public const int MaxBodyBytes = 256 * 1024;

    // A delivery that loses a race to another event (for the same subscription or payment record) retries once that one has committed.
    private const int Attempts = 3;

    public sealed record Command(string Provider, string Body, IReadOnlyDictionary<string, string> Headers, string? IpAddress) : ICommand<PaymentWebhookResponse>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.Provider).OneOf(PaymentProviderNames.All).WithMessage($"Provider must be one of: {string.Join(", ", PaymentProviderNames.All)}.");
    }

    public sealed class Handler(PaymentProviders providers, ISender sender, ISecurityEvents events, MongoContext db) : ICommandHandler<Command, PaymentWebhookResponse>
    {
        public async ValueTask<PaymentWebhookResponse> Handle(Command command, CancellationToken cancellationToken)
        {
            var provider = providers.Configured(command.Provider);
            PaymentEvent paymentEvent;
            try
            {
                paymentEvent = await provider.ReadWebhookAsync(new WebhookDelivery(command.Body, command.Headers), cancellationToken);
            }
            catch (WebhookSignatureException refused)
            {
                events.Record(new SecurityEvent(PaymentSecurityEvents.WebhookSignatureInvalid, Infrastructure.Security.Severity.High, null, command.IpAddress,
                    new BsonDocument { ["provider"] = provider.Name, ["reason"] = refused.Message }));
                throw;
            }
            catch (WebhookApiVersionMismatchException mismatch)
            {
                events.Record(new SecurityEvent(WebhookApiVersionMismatchException.SecurityEventType, Infrastructure.Security.Severity.Medium, null, command.IpAddress,
                    new BsonDocument { ["provider"] = provider.Name, ["event_api_version"] = (BsonValue?)mismatch.EventVersion ?? BsonNull.Value }));
                throw;
            }

            if (paymentEvent is PaymentEvent.Ignored)
            {
                return new PaymentWebhookResponse(true, false);
            }

            // Most redeliveries come after the first delivery committed: answered without a transaction.
            if (await MarkedAsync(paymentEvent, cancellationToken))
            {
                return new PaymentWebhookResponse(true, true);
            }

            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await sender.Send(new ApplyPaymentEvent.Command(paymentEvent), cancellationToken);
                    return new PaymentWebhookResponse(true, false);
                }
                catch (ApplyPaymentEvent.AlreadyAppliedException)
                {
                    return new PaymentWebhookResponse(true, true);
                }
                catch (MongoException error) when (MongoErrors.IsDuplicateKey(error) && attempt < Attempts)
                {
                    // Another delivery committed first (this event, or another naming the same payment or
                    // subscription): the next attempt finds what it wrote.
                    if (await MarkedAsync(paymentEvent, cancellationToken))
                    {
                        return new PaymentWebhookResponse(true, true);
                    }
                }
            }
        }

        private Task<bool> MarkedAsync(PaymentEvent paymentEvent, CancellationToken cancellationToken) =>
            db.Collection<BsonDocument>(PaymentWebhookEventDocument.CollectionName).Find(new BsonDocument("_id", ApplyPaymentEvent.MarkerId(paymentEvent))).AnyAsync(cancellationToken);
    }

    /// <summary>The body exactly as sent (the signature covers its bytes), refused past <see cref="MaxBodyBytes"/>.</summary>
    private static async Task<string> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            throw new BadHttpRequestException("The webhook body is too large.", StatusCodes.Status413PayloadTooLarge);
        }

        using var body = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (body.Length + read > MaxBodyBytes)
            {
                throw new BadHttpRequestException("The webhook body is too large.", StatusCodes.Status413PayloadTooLarge);
            }

            body.Write(chunk, 0, read);
        }

        return Encoding.UTF8.GetString(body.GetBuffer(), 0, (int)body.Length);
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapPost("/{provider}", async (string provider, HttpRequest request, ISender sender, CancellationToken ct) =>
        {
            var body = await ReadBodyAsync(request, ct);
            var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            return TypedResults.Ok(await sender.Send(new Command(provider, body, headers, request.HttpContext.Connection.RemoteIpAddress?.ToString()), ct));
        })
        .WithQueryRules<Command>()
        .Accepts<JsonObject>("application/json")
        .WithName("ReceivePaymentWebhook")
        .WithSummary("A payment provider's event (Stripe, PayPal), signed by the provider")
        .WithDescription("Called by the provider, not by clients: anonymous, authenticated by the provider's signature over the exact body " +
            "(Stripe: the `Stripe-Signature` header, checked with `Payments:Stripe:WebhookSecret` and `Payments:Stripe:WebhookTolerance`; " +
            $"PayPal: its verify-webhook-signature call). The body is the provider's event JSON, at most {MaxBodyBytes / 1024} KiB. " +
            "A missing, forged or stale signature is a 400 (type `" + PaymentProblems.WebhookSignatureInvalid + "`) and a `high` security event " +
            "`webhook_signature_invalid`; a signed Stripe event of another API version than the deployment reads is a 400 (type `" +
            PaymentProblems.WebhookApiVersionMismatch + "`, so Stripe delivers it again once that is fixed) and a `medium` security event `" +
            WebhookApiVersionMismatchException.SecurityEventType + "`; a provider that is not configured is a 503. Each event is applied exactly once, in one transaction " +
            "with its audit record: the subscription, the account's `subscription_tier` and the payment or refund records. A delivery of an " +
            "event applied before answers `duplicate: true` and changes nothing; an event older than the subscription's latest changes no state. " +
            "An event whose plan, period, price or user does not match the configured plans grants nothing and records a `high` security event " +
            "`payment_plan_mismatch`, and is still answered 200 (redelivering it would change nothing). An event naming a subscription not " +
            "recorded yet is a 409 (type `" + WebhookEventEarlyException.ProblemType + "`), which the provider delivers again later.")
        .AllowAnonymous()
        .RequireRateLimiting(PaymentRateLimits.Webhooks)
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
        .ProducesProblem(StatusCodes.Status502BadGateway)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
}
