using System.Net.Http.Json;
using BayitPlus.Api.Tests.Support;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Beta500;

/// <summary>Helpers of the enrollment tests: device traits, networks of their own, accounts aged or
/// verified in the database, and the stored membership.</summary>
public static class EnrollmentSupport
{
    private static int _lastNetwork;

    /// <summary>Device traits no other test sends, so no fingerprint is shared by accident.</summary>
    public static object Fingerprint(string? userAgent = null) => new
    {
        userAgent = userAgent ?? $"Mozilla/5.0 (test {Guid.NewGuid():N})",
        platform = "Web",
        screen = "1920x1080",
        timezone = "Asia/Jerusalem",
        language = "he-IL",
    };

    /// <summary>An address in a /24 no other test of the process uses.</summary>
    public static string NewNetworkIp()
    {
        var n = Interlocked.Increment(ref _lastNetwork);
        return $"100.{64 + ((n >> 8) & 63)}.{n & 255}.9";
    }

    public static Task<HttpResponseMessage> EnrollAsync(this HttpClient client, object? fingerprint = null) =>
        client.PostAsJsonAsync("/api/beta/enrollment", new { fingerprint = fingerprint ?? Fingerprint() }, Http.Json, Http.Ct);

    /// <summary>Makes the account older than the new-account signal's age.</summary>
    public static Task AgeAsync(this ApiFactory api, string userId, TimeSpan age) =>
        api.Raw("user").UpdateOneAsync(
            new BsonDocument("_id", ObjectId.Parse(userId)),
            new BsonDocument("$set", new BsonDocument("created_at", DateTime.UtcNow - age)),
            cancellationToken: Http.Ct);

    /// <summary>Links the account to a Firebase user, whose email the provider verified.</summary>
    public static Task VerifyAsync(this ApiFactory api, string userId) =>
        api.Raw("user").UpdateOneAsync(
            new BsonDocument("_id", ObjectId.Parse(userId)),
            new BsonDocument("$set", new BsonDocument("firebase_uid", Guid.NewGuid().ToString("N"))),
            cancellationToken: Http.Ct);

    /// <summary>An account that fires no signal of its own: old and verified by a provider.</summary>
    public static async Task<SignedInUser> TrustedUserAsync(this ApiFactory api, string? email = null)
    {
        var user = await api.SignUpAsync(email);
        await api.AgeAsync(user.Id, TimeSpan.FromDays(30));
        await api.VerifyAsync(user.Id);
        return user;
    }

    public static Task<BsonDocument?> MemberAsync(this ApiFactory api, string userId) =>
        api.Raw("betauser").Find(new BsonDocument("user_id", userId)).FirstOrDefaultAsync(Http.Ct)!;

    public static Task<List<BsonDocument>> LedgerAsync(this ApiFactory api, string userId) =>
        api.Raw("betacredittransaction").Find(new BsonDocument("user_id", userId)).SortBy(t => t["created_at"]).ToListAsync(Http.Ct);

    public static async Task<string> RoleAsync(this ApiFactory api, string userId) =>
        (await api.Raw("user").Find(new BsonDocument("_id", ObjectId.Parse(userId))).SingleAsync(Http.Ct))["role"].AsString;

    public static List<string> Signals(this BsonDocument member) => [.. member["fraud_signals"].AsBsonArray.Select(s => s.AsString)];
}
