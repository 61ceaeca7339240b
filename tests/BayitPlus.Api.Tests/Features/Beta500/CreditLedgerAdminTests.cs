using System.Net;
using System.Text.Json.Nodes;
using BayitPlus.Api.Infrastructure.Credits;
using BayitPlus.Api.Tests.Support;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Beta500;

public sealed class CreditLedgerAdminTests(ApiFactory api)
{
    [Fact]
    public async Task An_admin_grants_and_deducts_credits_with_an_audit_record()
    {
        var admin = await api.SignUpAsync(role: "admin");
        var client = api.ClientFor(admin);
        var member = await api.MemberAsync(100);

        var granted = await (await client.AdjustAsync(member.Id, 50)).ReadJsonAsync();
        var deducted = await (await client.AdjustAsync(member.Id, -120, "Abuse of the search feature")).ReadJsonAsync();

        Assert.Equal(150, granted["creditsBalance"]!.GetValue<int>());
        Assert.Equal(150, granted["totalCreditsGranted"]!.GetValue<int>());
        Assert.Equal(30, deducted["creditsBalance"]!.GetValue<int>());
        Assert.Equal(30, await api.AssertInvariantAsync(member.Id));
        var records = await api.Database.GetCollection<BsonDocument>("auditlog")
            .Find(new BsonDocument { ["action_type"] = "beta.credits_adjusted", ["resource_id"] = member.Id }).ToListAsync(Http.Ct);
        Assert.Equal(2, records.Count);
        Assert.All(records, r => Assert.Equal(admin.Id, r["user_id"].AsString));
        var entry = (await api.EntriesAsync(member.Id)).Single(e => e["reason"] == "Abuse of the search feature");
        Assert.Equal("deduct", entry["transaction_type"].AsString);
        Assert.Equal(admin.Id, entry["metadata"]["admin_id"].AsString);
    }

    [Fact]
    public async Task A_deduction_below_zero_is_a_409_and_changes_nothing()
    {
        var client = api.ClientFor(await api.SignUpAsync(role: "admin"));
        var member = await api.MemberAsync(10);

        var problem = await (await client.AdjustAsync(member.Id, -11)).AssertProblemAsync(HttpStatusCode.Conflict);

        Assert.Contains("below 0", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(10, await api.AssertInvariantAsync(member.Id));
        Assert.Single(await api.EntriesAsync(member.Id));
        await (await client.AdjustAsync(ObjectId.GenerateNewId().ToString(), 5)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Adjustments_are_validated_and_admin_only()
    {
        var client = api.ClientFor(await api.SignUpAsync(role: "admin"));
        var member = await api.MemberAsync(10);

        await (await client.AdjustAsync(member.Id, 0)).AssertValidationProblemAsync("amount");
        await (await client.AdjustAsync(member.Id, 100_001)).AssertValidationProblemAsync("amount");
        await (await client.AdjustAsync(member.Id, 5, "too short")).AssertValidationProblemAsync("reason");
        await (await client.AdjustAsync(member.Id, 5, new string('x', 501))).AssertValidationProblemAsync("reason");
        await (await client.PostJsonAsync($"/api/admin/beta/members/{member.Id}/credits", new { reason = "A reason long enough" })).AssertValidationProblemAsync("amount");
        await (await api.ClientFor(member).AdjustAsync(member.Id, 5)).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await api.ClientFor(member).GetAsync("/api/admin/beta/reconciliation", Http.Ct)).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(10, await api.AssertInvariantAsync(member.Id));
    }

    [Fact]
    public async Task Reconciliation_names_a_member_whose_balance_was_changed_outside_the_ledger()
    {
        var client = api.ClientFor(await api.SignUpAsync(role: "admin"));
        var member = await api.MemberAsync(10);
        await api.AssertReconciledAsync(client, member.Id);

        await api.BetaUsers().UpdateOneAsync(new BsonDocument("user_id", member.Id), new BsonDocument("$inc", new BsonDocument("credits_balance", 5)), cancellationToken: Http.Ct);

        var items = (await (await client.GetAsync("/api/admin/beta/reconciliation", Http.Ct)).ReadAsync<JsonObject>())["items"]!.AsArray();
        var mismatch = Assert.Single(items, i => i!["userId"]!.GetValue<string>() == member.Id)!;
        Assert.Equal(15, mismatch["creditsBalance"]!.GetValue<int>());
        Assert.Equal(10, mismatch["ledgerBalance"]!.GetValue<int>());
        await api.BetaUsers().UpdateOneAsync(new BsonDocument("user_id", member.Id), new BsonDocument("$inc", new BsonDocument("credits_balance", -5)), cancellationToken: Http.Ct);
        await api.AssertReconciledAsync(client, member.Id);
    }

    [Fact]
    public async Task Stats_count_active_members_and_credits_per_feature_per_day()
    {
        var client = api.ClientFor(await api.SignUpAsync(role: "admin"));
        var member = await api.MemberAsync(1_000);
        await api.Ledger().ChargeAsync(member.Id, "recommendations", 2, "s", Http.Ct);

        var stats = await (await client.GetAsync("/api/admin/beta/stats?days=2", Http.Ct)).ReadAsync<JsonObject>();

        Assert.True(stats["activeMembers"]!.GetValue<int>() >= 1);
        Assert.Equal(500, stats["seats"]!.GetValue<int>());
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var row = stats["days"]!.AsArray().Single(d => d!["day"]!.GetValue<string>() == today && d["feature"]?.GetValue<string>() == "recommendations")!;
        Assert.True(row["spent"]!.GetValue<int>() >= 6);
        await (await client.GetAsync("/api/admin/beta/stats?days=0", Http.Ct)).AssertValidationProblemAsync("days");
    }

    [Fact]
    public async Task A_member_pages_their_own_ledger_newest_first()
    {
        var member = await api.MemberAsync(1_000);
        var other = await api.MemberAsync(1_000);
        for (var i = 0; i < 5; i++)
        {
            Assert.IsType<ChargeResult.Charged>(await api.Ledger().ChargeAsync(member.Id, "ai_search", 1, $"p{i}", Http.Ct));
        }

        await api.Ledger().ChargeAsync(other.Id, "ai_search", 1, "o", Http.Ct);
        var client = api.ClientFor(member);
        var seen = new List<JsonNode>();
        string? cursor = null;
        do
        {
            var page = await (await client.GetAsync($"/api/beta/me/transactions?limit=2{(cursor is null ? "" : $"&cursor={cursor}")}", Http.Ct)).ReadAsync<JsonObject>();
            seen.AddRange(page["items"]!.AsArray()!.Select(i => i!));
            cursor = page["nextCursor"]?.GetValue<string>();
        }
        while (cursor is not null);

        Assert.Equal(6, seen.Count);
        Assert.Equal("grant", seen[^1]["transactionType"]!.GetValue<string>());
        Assert.Equal(990, seen[0]["balanceAfter"]!.GetValue<int>());
        var ids = (await api.EntriesAsync(member.Id)).Select(e => e["_id"].AsObjectId.ToString()).ToHashSet();
        Assert.All(seen, s => Assert.Contains(s["id"]!.GetValue<string>(), ids));
        await (await client.GetAsync("/api/beta/me/transactions?limit=0", Http.Ct)).AssertValidationProblemAsync("limit");
    }
}
