using MongoDB.Driver;

namespace BayitPlus.Api.Infrastructure.Credits;

/// <summary>How a slice (AI search, recaps, dubbing) spends a member's AI credits. Every call is one
/// atomic ledger entry: the balance and its transaction record change together or not at all.</summary>
public interface ICreditLedger
{
    /// <summary>Charges the feature's price times <paramref name="units"/> (uses, or seconds for a
    /// per-second feature). A retry with the same <paramref name="idempotencyKey"/> for the same
    /// user charges nothing more and answers the first charge, even when the two race.</summary>
    Task<ChargeResult> ChargeAsync(string userId, string feature, int units, string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>As <see cref="ChargeAsync"/>, and <paramref name="alongside"/> writes what the charge
    /// pays for in the same transaction (through the session it is given): both are stored or
    /// neither, so a charge never stands without its purchase. It runs only when the charge is
    /// made, not for a retry answered with an earlier charge (<see cref="ChargeResult.Charged.Replayed"/>).
    /// It may run more than once, on a write conflict, and must write nothing else.</summary>
    Task<ChargeResult> ChargeWithAsync(
        string userId,
        string feature,
        int units,
        string idempotencyKey,
        Func<IClientSessionHandle, ChargeResult.Charged, CancellationToken, Task> alongside,
        CancellationToken cancellationToken);

    /// <summary>Gives back a charge (all of it, or <paramref name="amount"/> of it when given):
    /// at most once per charge, and never more than was charged.</summary>
    Task<RefundResult> RefundAsync(string chargeId, string reason, int? amount, CancellationToken cancellationToken);

    /// <summary>What <see cref="ChargeAsync"/> would answer now, without charging: a look before
    /// spending work on a request nobody could pay for. It reserves nothing, so the charge that
    /// follows may still be refused.</summary>
    Task<CreditQuote> QuoteAsync(string userId, string feature, int units, CancellationToken cancellationToken);
}

/// <summary>What <see cref="ICreditLedger.QuoteAsync"/> found.</summary>
public abstract record CreditQuote
{
    private CreditQuote()
    {
    }

    /// <summary>The balance covers <paramref name="Price"/>.</summary>
    public sealed record Affordable(int Price, int Balance) : CreditQuote;

    /// <summary>The balance does not cover the price.</summary>
    public sealed record Insufficient(int Balance, int Required) : CreditQuote;

    /// <summary>The user is not an active member of a program that has credits.</summary>
    public sealed record NotAMember : CreditQuote;

    /// <summary>No price is set for the feature.</summary>
    public sealed record UnknownFeature : CreditQuote;
}

/// <summary>What <see cref="ICreditLedger.ChargeAsync"/> did.</summary>
public abstract record ChargeResult
{
    private ChargeResult()
    {
    }

    /// <summary>Charged <paramref name="Amount"/> credits; <paramref name="Balance"/> is what is left.
    /// <paramref name="ChargeId"/> names the charge for a refund. <paramref name="Replayed"/>: this
    /// call charged nothing; it is an earlier charge with the same idempotency key (its balance then).</summary>
    public sealed record Charged(string ChargeId, int Amount, int Balance, bool Replayed = false) : ChargeResult;

    /// <summary>Nothing charged: the balance does not cover the price.</summary>
    public sealed record Insufficient(int Balance, int Required) : ChargeResult;

    /// <summary>Nothing charged: the user is not an active member of a program that has credits.</summary>
    public sealed record NotAMember : ChargeResult;

    /// <summary>Nothing charged: no price is set for the feature.</summary>
    public sealed record UnknownFeature : ChargeResult;
}

/// <summary>What <see cref="ICreditLedger.RefundAsync"/> did.</summary>
public abstract record RefundResult
{
    private RefundResult()
    {
    }

    /// <summary>Refunded <paramref name="Amount"/>; <paramref name="Balance"/> is the balance after.
    /// A repeated refund of the same charge answers the first one's.</summary>
    public sealed record Refunded(string RefundId, int Amount, int Balance) : RefundResult;

    /// <summary>Nothing refunded: the amount asked is more than the charge (or not positive).</summary>
    public sealed record ExceedsCharge(int Charged) : RefundResult;

    /// <summary>Nothing refunded: no charge made through <see cref="ICreditLedger.ChargeAsync"/> has
    /// that id (adjustments and forfeits are not charges).</summary>
    public sealed record ChargeNotFound : RefundResult;

    /// <summary>Nothing refunded: the member is no longer active, and an ended membership's credits
    /// stay forfeited.</summary>
    public sealed record NotAMember : RefundResult;
}

/// <summary>The ledger when no slice keeps credits: nobody is a member, and no charge exists.</summary>
public sealed class NoCreditLedger : ICreditLedger
{
    public Task<ChargeResult> ChargeAsync(string userId, string feature, int units, string idempotencyKey, CancellationToken cancellationToken) =>
        Task.FromResult<ChargeResult>(new ChargeResult.NotAMember());

    public Task<ChargeResult> ChargeWithAsync(
        string userId,
        string feature,
        int units,
        string idempotencyKey,
        Func<IClientSessionHandle, ChargeResult.Charged, CancellationToken, Task> alongside,
        CancellationToken cancellationToken) =>
        Task.FromResult<ChargeResult>(new ChargeResult.NotAMember());

    public Task<RefundResult> RefundAsync(string chargeId, string reason, int? amount, CancellationToken cancellationToken) =>
        Task.FromResult<RefundResult>(new RefundResult.ChargeNotFound());

    public Task<CreditQuote> QuoteAsync(string userId, string feature, int units, CancellationToken cancellationToken) =>
        Task.FromResult<CreditQuote>(new CreditQuote.NotAMember());
}
