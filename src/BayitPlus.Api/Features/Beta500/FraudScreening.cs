using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Mongo;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Beta500;

/// <summary>An enrollment's screening: the signals that fired and their score.</summary>
public sealed record FraudVerdict(IReadOnlyList<string> Signals, double Score);

/// <summary>Screens an enrollment before it takes a seat. Each <see cref="BetaFraudSignals"/> signal
/// that fires adds its <c>Beta:SignalWeights</c> weight; the score is the sum, capped at 1.</summary>
public sealed class FraudScreening(MongoContext db, DisposableEmailDomains disposable, BetaSettings settings)
{
    /// <summary>Reads the other members in <paramref name="session"/>'s transaction: the enrollment
    /// transaction that then takes a seat, so two enrollments from one device or network cannot both
    /// screen before either is stored (see <see cref="Enroll"/>).</summary>
    public async Task<FraudVerdict> ScreenAsync(IClientSessionHandle session, AccountFacts account, string fingerprintHash, string? network, DateTime now, CancellationToken cancellationToken)
    {
        var signals = new List<string>();
        if (disposable.IsDisposable(account.Email))
        {
            signals.Add(BetaFraudSignals.DisposableEmail);
        }

        var members = Membership.Members(db);
        var filter = Builders<BetaUserDocument>.Filter;
        // Former members count too: a member deactivated for fraud must not come back on a new account
        // from the same device.
        var sharedFingerprint = filter.Eq(m => m.FingerprintHash, fingerprintHash) & filter.Ne(m => m.UserId, account.UserId);
        if (await members.CountDocumentsAsync(session, sharedFingerprint, new CountOptions { Limit = 1 }, cancellationToken) > 0)
        {
            signals.Add(BetaFraudSignals.SharedFingerprint);
        }

        // Counted from the stored enrollments (refused ones leave none): this one would be one more.
        if (network is not null)
        {
            var recent = filter.Eq(m => m.Network, network) & filter.Gt(m => m.EnrolledAt, now - settings.NetworkBurstWindow);
            if (await members.CountDocumentsAsync(session, recent, new CountOptions { Limit = settings.NetworkBurstLimit }, cancellationToken) >= settings.NetworkBurstLimit)
            {
                signals.Add(BetaFraudSignals.NetworkBurst);
            }
        }

        if (now - account.CreatedAt < settings.MinAccountAge)
        {
            signals.Add(BetaFraudSignals.NewAccount);
        }

        if (!account.EmailVerified)
        {
            signals.Add(BetaFraudSignals.UnverifiedEmail);
        }

        var score = Math.Min(1.0, signals.Sum(signal => settings.SignalWeights.GetValueOrDefault(signal)));
        return new FraudVerdict(signals, Math.Round(score, 4));
    }
}
