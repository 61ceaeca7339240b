using System.Text.Json;
using System.Text.Json.Serialization;
using BayitPlus.Api.Infrastructure.Audit;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Infrastructure.Validation;
using FluentValidation;
using FluentValidation.Results;
using Mediator;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Payments;

/// <summary>The body of <c>POST /api/admin/transactions/{id}/refund</c>.</summary>
[ValidatedAs(typeof(RefundTransaction.Command))]
public sealed record RefundRequest
{
    /// <summary>How much to give back, in major units; the whole refundable rest when absent.</summary>
    public decimal? Amount { get; init; }

    /// <summary>Why, for the provider and the audit trail.</summary>
    public string? Reason { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; init; }
}

/// <summary>A refund the provider accepted to make.</summary>
/// <param name="TransactionId">The payment refunded.</param>
/// <param name="ProviderRefundId">The provider's id of the refund; its refund event carries it.</param>
/// <param name="Status">The provider's status of the refund (pending, succeeded…); the webhook records the result.</param>
/// <param name="Amount">The amount asked for, in major units.</param>
/// <param name="Currency">ISO 4217 currency code.</param>
public sealed record RefundResponse(string TransactionId, string ProviderRefundId, string Status, decimal Amount, string Currency);

/// <summary>
/// A new collection, <c>paymentrefundrequest</c>: per payment (its <c>_id</c> is the payment's), the
/// refunds admins asked the provider for. <see cref="Requested"/> is a reservation taken before the
/// provider call, so two admins refunding one payment at once can never ask for more than it: the
/// provider records refunds only later, through its webhook.
/// </summary>
public sealed class PaymentRefundRequestDocument
{
    public const string CollectionName = "paymentrefundrequest";

    /// <summary>The payment's transaction id.</summary>
    public string Id { get; set; } = "";

    /// <summary>The sum of the refunds the provider accepted to make and has not reported failed, in
    /// major units (a provider call that failed released its reservation). A refund the provider's
    /// event later reports failed releases its amount here, once (the webhook marks its entry
    /// <see cref="RefundRequestEntry.Failed"/>), so the admin can refund again.</summary>
    public double Requested { get; set; }

    public List<RefundRequestEntry> Requests { get; set; } = [];

    /// <summary>Refunds the provider reported failed before their entry was written here (its failure
    /// event overtook its answer): the entry, when written, is failed and released at once.</summary>
    public List<string> FailedRefundIds { get; set; } = [];
}

/// <summary>One refund asked for.</summary>
public sealed class RefundRequestEntry
{
    public required string ProviderRefundId { get; set; }

    public double Amount { get; set; }

    /// <summary>The status of a request whose refund the provider reported failed or canceled (in its
    /// answer or a later event): its amount is released, once.</summary>
    public const string Failed = "failed";

    /// <summary>The provider's status when it answered, or <see cref="Failed"/> once its answer or
    /// its refund event says it failed. Stripe's own word for a failed refund is the same one: an
    /// entry is written with it only as it is released.</summary>
    public required string Status { get; set; }

    public required string Reason { get; set; }

    public required string AdminId { get; set; }

    public DateTime RequestedAt { get; set; }
}

/// <summary>
/// Admin: refunds a payment, fully or in part, through its provider. The refundable rest is the
/// payment's amount less what is already committed: the larger of what the provider reported
/// refunded (<c>amount_refunded</c>) and what admins asked for here (a refund made in the provider's
/// dashboard is only in the first, a pending one asked here only in the second; the provider itself
/// refuses anything beyond the charge). The request is reserved by a conditional update before the
/// provider is called and released if the provider fails; the provider's refund event records the
/// refund transaction. Answers 202 with the provider's refund id and status.
/// </summary>
public static class RefundTransaction
{
    public const int MinReasonLength = 10;
    public const int MaxReasonLength = 500;
    public const decimal MaxAmount = 1_000_000m;

    // Each attempt loses only to another request for the same payment that reserved first.
    private const int ReserveAttempts = 20;

    public sealed record Command(string AdminId, string TransactionId, decimal? Amount, string? Reason, IReadOnlyList<string> UnknownFields) : ICommand<RefundResponse>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.UnknownFields).AreRefused(typeof(RefundRequest));
            RuleFor(c => c.Amount).GreaterThan(0m).WithMessage("amount must be more than 0.")
                .LessThanOrEqualTo(MaxAmount).WithMessage($"amount must be at most {MaxAmount}.")
                .Must(a => a is not { } value || decimal.Round(value, 2) == value).WithMessage("amount must have at most two decimals (a whole number in a zero-decimal currency such as JPY).");
            RuleFor(c => c.Reason).NotEmpty().WithMessage("reason is required.")
                .MinimumLength(MinReasonLength).WithMessage($"reason must be at least {MinReasonLength} characters long.")
                .Must(r => r!.Trim().Length >= MinReasonLength).WithMessage($"reason must be at least {MinReasonLength} characters long.")
                .MaximumLength(MaxReasonLength).WithMessage($"reason must be at most {MaxReasonLength} characters long.");
        }
    }

    public sealed class Handler(MongoContext db, PaymentProviders providers, ISender sender) : ICommandHandler<Command, RefundResponse>
    {
        public async ValueTask<RefundResponse> Handle(Command command, CancellationToken cancellationToken)
        {
            var id = Ids.Parse(command.TransactionId, "Transaction").ToString();
            var payment = await SubscriptionStore.Transactions(db).Find(t => t.Id == id).FirstOrDefaultAsync(cancellationToken)
                ?? throw new NotFoundException("Transaction");
            if (payment.TransactionType != PaymentTransactionTypes.Payment || payment.Status != PaymentTransactionStatuses.Success || payment.ProviderTransactionId is null)
            {
                throw new ConflictException("id", "Only a successful payment can be refunded.");
            }

            // The payment's currency is known only now: yen and won have no minor units to refund.
            if (command.Amount is { } asked && !Currencies.Fits(asked, payment.Currency))
            {
                throw new ValidationException([new ValidationFailure("amount", $"amount must be {Currencies.Describe(payment.Currency)} in {payment.Currency}.")]);
            }

            var provider = providers.Configured(payment.PaymentProvider);
            var amount = await ReserveAsync(payment, command.Amount, cancellationToken);
            var reason = command.Reason!.Trim();
            ProviderRefund refund;
            try
            {
                // One key per refund asked for: two deliberate equal refunds, each reserved here, are two there.
                refund = await provider.RefundAsync(payment.ProviderTransactionId, amount, reason, $"refund:{Guid.NewGuid():N}", cancellationToken);
            }
            catch
            {
                // Nothing was refunded: the reservation goes, whatever the client does now.
                await Requests(db).UpdateOneAsync(r => r.Id == id, Builders<PaymentRefundRequestDocument>.Update.Inc(r => r.Requested, -(double)amount), cancellationToken: CancellationToken.None);
                throw;
            }

            // The provider has made the refund: it is recorded even if the client hangs up now.
            await sender.Send(new RecordRefundRequest.Command(id, new RefundRequestEntry
            {
                ProviderRefundId = refund.ProviderRefundId,
                Amount = (double)amount,
                Status = refund.Status,
                Reason = reason,
                AdminId = command.AdminId.ToLowerInvariant(),
            }), CancellationToken.None);
            return new RefundResponse(id, refund.ProviderRefundId, refund.Status, amount, payment.Currency);
        }

        /// <summary>Reserves <paramref name="asked"/> (or the whole rest) of the payment; 409 when it is fully refunded or the amount is above the rest.</summary>
        private async Task<decimal> ReserveAsync(PaymentTransactionDocument payment, decimal? asked, CancellationToken cancellationToken)
        {
            for (var attempt = 0; attempt < ReserveAttempts; attempt++)
            {
                var requests = await Requests(db).Find(r => r.Id == payment.Id).FirstOrDefaultAsync(cancellationToken);
                var requested = requests?.Requested ?? 0;
                var rest = SubscriptionStore.Money(payment.Amount) - Math.Max(SubscriptionStore.Money(payment.AmountRefunded), SubscriptionStore.Money(requested));
                if (rest <= 0)
                {
                    throw new ConflictException("id", "This payment has been refunded in full.");
                }

                var amount = asked ?? rest;
                if (amount > rest)
                {
                    throw new ConflictException("amount", $"At most {rest} {payment.Currency} of this payment can still be refunded.");
                }

                if (requests is null)
                {
                    try
                    {
                        await Requests(db).InsertOneAsync(new PaymentRefundRequestDocument { Id = payment.Id, Requested = (double)amount }, cancellationToken: cancellationToken);
                        return amount;
                    }
                    catch (MongoException error) when (MongoErrors.IsDuplicateKey(error))
                    {
                        continue;
                    }
                }

                var reserved = await Requests(db).UpdateOneAsync(
                    r => r.Id == payment.Id && r.Requested == requested,
                    Builders<PaymentRefundRequestDocument>.Update.Inc(r => r.Requested, (double)amount),
                    cancellationToken: cancellationToken);
                if (reserved.ModifiedCount == 1)
                {
                    return amount;
                }
            }

            throw new ConflictException("id", "Other refunds of this payment are being made right now; try again.");
        }
    }

    public static IMongoCollection<PaymentRefundRequestDocument> Requests(MongoContext db) =>
        db.Collection<PaymentRefundRequestDocument>(PaymentRefundRequestDocument.CollectionName);

    internal static void Map(RouteGroupBuilder group) => group
        .MapPost("/transactions/{id}/refund", async (string id, RefundRequest request, HttpContext http, ISender sender, CancellationToken ct) =>
            TypedResults.Accepted((string?)null, await sender.Send(new Command(http.User.Id(), id, request.Amount, request.Reason, UnknownFields.In(request.Unknown)), ct)))
        .WithName("RefundPaymentTransaction")
        .WithSummary("Admin: refund a payment, fully or in part, through its provider")
        .WithDescription("Asks the payment's provider to refund `amount` (the whole refundable rest when absent) and answers 202 with the " +
            "provider's refund id and status; the provider's refund event then records the refund transaction. 404 for an unknown " +
            "transaction; 409 when it is not a successful payment, is refunded in full, or the amount is above what can still be refunded " +
            "(parallel requests never add up to more than the payment); 400 when the amount has more decimals than the payment's currency " +
            "(a whole number in JPY or KRW); 502/503 when the provider fails or is not configured (nothing is " +
            "reserved then). Audited.")
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status403Forbidden)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status502BadGateway)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
}

/// <summary>Records a refund the provider accepted on the payment's request document, with the
/// audit record (<c>payment.refund_requested</c>), in one transaction.</summary>
public static class RecordRefundRequest
{
    public sealed record Command(string TransactionId, RefundRequestEntry Entry) : ICommand<Unit>, IAuditedCommand
    {
        AuditTarget IAuditedCommand.Audit => new("payment.refund_requested", "payment_refund", PaymentRefundRequestDocument.CollectionName, TransactionId, Atomic: true);
    }

    public sealed class Handler(MongoContext db, TimeProvider time) : ICommandHandler<Command, Unit>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken cancellationToken)
        {
            var session = AuditTransaction.Required;
            var entry = command.Entry;
            entry.RequestedAt = time.GetUtcNow().UtcDateTime;
            var requests = await RefundTransaction.Requests(db).Find(session, r => r.Id == command.TransactionId).FirstOrDefaultAsync(cancellationToken);
            // Its failure was reported first (the webhook wrote it on this same document, so the two
            // conflict and one sees the other), or the provider answered it failed: the reservation
            // goes now, since the webhook skips an entry already failed.
            var failedFirst = requests?.FailedRefundIds.Contains(entry.ProviderRefundId) == true;
            var failed = failedFirst || ApplyPaymentEvent.Handler.RefundStatus(entry.Status) == PaymentTransactionStatuses.Failed;
            if (failed)
            {
                entry.Status = RefundRequestEntry.Failed;
            }

            var update = Builders<PaymentRefundRequestDocument>.Update;
            var change = update.Push(r => r.Requests, entry);
            if (failed)
            {
                change = update.Combine(change, update.Inc(r => r.Requested, -entry.Amount), update.Pull(r => r.FailedRefundIds, entry.ProviderRefundId));
            }

            await RefundTransaction.Requests(db).UpdateOneAsync(session, r => r.Id == command.TransactionId, change, cancellationToken: cancellationToken);
            return Unit.Value;
        }
    }
}
