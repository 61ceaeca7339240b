using System.Net.Http.Json;
using BayitPlus.Api.Features.Beta500;
using BayitPlus.Api.Infrastructure.Credits;
using BayitPlus.Api.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Beta500;

/// <summary>Members made as enrollment makes them (a betauser document and its grant), since the
/// ledger's tests do not depend on the enrollment endpoints; and checks of the ledger's invariant.</summary>
public static class CreditLedgerSupport
{
    public static IMongoCollection<BsonDocument> BetaUsers(this ApiFactory api) => api.Database.GetCollection<BsonDocument>(BetaUserDocument.CollectionName);

    public static IMongoCollection<BsonDocument> BetaTransactions(this ApiFactory api) => api.Database.GetCollection<BsonDocument>(BetaCreditTransactionDocument.CollectionName);

    public static ICreditLedger Ledger(this ApiFactory api) => api.Services.GetRequiredService<ICreditLedger>();

    /// <summary>A signed-in user made a member with <paramref name="credits"/> credits.</summary>
    public static async Task<SignedInUser> MemberAsync(this ApiFactory api, int credits = 1_000, bool active = true)
    {
        var user = await api.SignUpAsync(role: "beta");
        await api.EnrollAsync(user, credits, active);
        return user;
    }

    public static async Task EnrollAsync(this ApiFactory api, SignedInUser user, int credits, bool active = true)
    {
        // The host's clock: on a fake clock moved past real time, a real-time expiry would let the
        // expiry job end the membership mid-test.
        var now = api.Services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        if (active)
        {
            // An active member holds a seat, as enrollment gives it one: ending this membership
            // (the expiry job on the shared fake-clock host) frees a seat, which must have been
            // taken, or the counter other tests read drifts. The seat first: the counter, if
            // created meanwhile from the active members, does not count this one twice.
            await api.Database.GetCollection<BsonDocument>(BetaSeats.CollectionName).UpdateOneAsync(
                new BsonDocument("_id", "seats"), new BsonDocument("$inc", new BsonDocument("filled", 1)), new UpdateOptions { IsUpsert = true }, Http.Ct);
        }

        await api.BetaUsers().InsertOneAsync(new BsonDocument
        {
            ["user_id"] = user.Id,
            ["email"] = user.Email,
            ["credits_balance"] = credits,
            ["total_credits_granted"] = credits,
            ["fraud_score"] = 0.0,
            ["fingerprint_hash"] = Guid.NewGuid().ToString("N"),
            ["is_active"] = active,
            ["enrolled_at"] = now,
            ["last_credit_update"] = now,
            ["expires_at"] = now.AddDays(90),
        }, cancellationToken: Http.Ct);
        await api.BetaTransactions().InsertOneAsync(new BsonDocument
        {
            ["user_id"] = user.Id,
            ["transaction_type"] = "grant",
            ["amount"] = credits,
            ["balance_after"] = credits,
            ["reason"] = "Beta 500 enrollment",
            ["metadata"] = new BsonDocument(),
            ["created_at"] = now,
        }, cancellationToken: Http.Ct);
    }

    public static async Task<BsonDocument> StoredMemberAsync(this ApiFactory api, string userId) =>
        await api.BetaUsers().Find(new BsonDocument("user_id", userId)).SingleAsync(Http.Ct);

    public static async Task<List<BsonDocument>> EntriesAsync(this ApiFactory api, string userId) =>
        await api.BetaTransactions().Find(new BsonDocument("user_id", userId)).ToListAsync(Http.Ct);

    /// <summary>Asserts granted − Σdeduct + Σrefund = balance, Σgrant = total granted, the latest
    /// entry's balance_after = balance, no negative balance_after; returns the balance.</summary>
    public static async Task<int> AssertInvariantAsync(this ApiFactory api, string userId)
    {
        var member = await api.StoredMemberAsync(userId);
        var entries = await api.EntriesAsync(userId);
        int Sum(string type) => entries.Where(e => e["transaction_type"] == type).Sum(e => e["amount"].ToInt32());
        var balance = member["credits_balance"].ToInt32();
        Assert.True(balance >= 0, $"negative balance {balance}");
        Assert.Equal(Sum("grant"), member["total_credits_granted"].ToInt32());
        Assert.Equal(balance, member["total_credits_granted"].ToInt32() - Sum("deduct") + Sum("refund"));
        Assert.All(entries, e => Assert.True(e["amount"].ToInt32() > 0 && e["balance_after"].ToInt32() >= 0));
        var latest = entries.OrderByDescending(e => e.GetValue("seq", 0).ToInt64()).ThenByDescending(e => e["_id"].AsObjectId).First();
        Assert.Equal(balance, latest["balance_after"].ToInt32());
        return balance;
    }

    /// <summary>The reconciliation names none of <paramref name="userIds"/>. Only the test's own
    /// members: other test classes share the database, and one of them changes a balance behind
    /// the ledger's back on purpose.</summary>
    public static async Task AssertReconciledAsync(this ApiFactory api, HttpClient admin, params IEnumerable<string> userIds)
    {
        var body = await (await admin.GetAsync("/api/admin/beta/reconciliation", Http.Ct)).ReadAsync<System.Text.Json.Nodes.JsonObject>();
        var named = body["items"]!.AsArray().Select(item => item!["userId"]!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        Assert.Empty(named.Intersect(userIds));
    }

    public static Task<HttpResponseMessage> AdjustAsync(this HttpClient admin, string userId, int amount, string reason = "Goodwill after an outage") =>
        admin.PostAsJsonAsync($"/api/admin/beta/members/{userId}/credits", new { amount, reason }, Http.Json, Http.Ct);
}
