using System.Net;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Credits;
using BayitPlus.Api.Tests.Features.Audit;
using BayitPlus.Api.Tests.Support;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Beta500;

public sealed class CreditLedgerChargeTests(ApiFactory api)
{
    [Fact]
    public async Task A_charge_deducts_price_times_units_and_writes_one_entry()
    {
        var member = await api.MemberAsync(1_000);

        var result = await api.Ledger().ChargeAsync(member.Id, "catchup", 3, "k1", Http.Ct);

        var charged = Assert.IsType<ChargeResult.Charged>(result);
        Assert.Equal(15, charged.Amount);
        Assert.Equal(985, charged.Balance);
        Assert.Equal(985, (await api.StoredMemberAsync(member.Id))["credits_balance"].ToInt32());
        var entry = (await api.EntriesAsync(member.Id)).Single(e => e["transaction_type"] == "deduct");
        Assert.Equal(charged.ChargeId, entry["_id"].AsObjectId.ToString());
        Assert.Equal(15, entry["amount"].ToInt32());
        Assert.Equal(985, entry["balance_after"].ToInt32());
        Assert.Equal("catchup", entry["feature_used"].AsString);
        Assert.Equal("k1", entry["metadata"]["idempotency_key"].AsString);
        await api.AssertInvariantAsync(member.Id);
    }

    [Fact]
    public async Task An_insufficient_balance_charges_nothing()
    {
        var member = await api.MemberAsync(4);

        var result = await api.Ledger().ChargeAsync(member.Id, "catchup", 1, "k1", Http.Ct);

        Assert.Equal(new ChargeResult.Insufficient(4, 5), result);
        Assert.Equal(4, (await api.StoredMemberAsync(member.Id))["credits_balance"].ToInt32());
        Assert.Single(await api.EntriesAsync(member.Id));
    }

    [Fact]
    public async Task Non_members_inactive_members_and_unknown_features_are_not_charged()
    {
        var stranger = await api.SignUpAsync();
        var withdrawn = await api.MemberAsync(100, active: false);
        var member = await api.MemberAsync(100);

        Assert.IsType<ChargeResult.NotAMember>(await api.Ledger().ChargeAsync(stranger.Id, "ai_search", 1, "k", Http.Ct));
        Assert.IsType<ChargeResult.NotAMember>(await api.Ledger().ChargeAsync(withdrawn.Id, "ai_search", 1, "k", Http.Ct));
        Assert.IsType<ChargeResult.UnknownFeature>(await api.Ledger().ChargeAsync(member.Id, "telepathy", 1, "k", Http.Ct));
        Assert.Equal(100, (await api.StoredMemberAsync(withdrawn.Id))["credits_balance"].ToInt32());
        Assert.Equal(100, (await api.StoredMemberAsync(member.Id))["credits_balance"].ToInt32());
    }

    [Fact]
    public async Task A_quote_answers_what_a_charge_would_without_charging()
    {
        var member = await api.MemberAsync(14);
        var stranger = await api.SignUpAsync();
        var withdrawn = await api.MemberAsync(100, active: false);

        Assert.Equal(new CreditQuote.Affordable(10, 14), await api.Ledger().QuoteAsync(member.Id, "catchup", 2, Http.Ct));
        Assert.Equal(new CreditQuote.Insufficient(14, 15), await api.Ledger().QuoteAsync(member.Id, "catchup", 3, Http.Ct));
        Assert.IsType<CreditQuote.NotAMember>(await api.Ledger().QuoteAsync(stranger.Id, "catchup", 1, Http.Ct));
        Assert.IsType<CreditQuote.NotAMember>(await api.Ledger().QuoteAsync(withdrawn.Id, "catchup", 1, Http.Ct));
        Assert.IsType<CreditQuote.UnknownFeature>(await api.Ledger().QuoteAsync(member.Id, "telepathy", 1, Http.Ct));
        Assert.Equal(14, (await api.StoredMemberAsync(member.Id))["credits_balance"].ToInt32());
        Assert.Single(await api.EntriesAsync(member.Id));
    }

    [Fact]
    public async Task A_charge_with_its_purchase_stores_both_or_neither_and_a_replay_stores_nothing_more()
    {
        var member = await api.MemberAsync(100);
        var purchases = api.Raw("ledger_purchases");
        var stored = 0;
        Task Store(IClientSessionHandle session, ChargeResult.Charged charged, CancellationToken token)
        {
            Interlocked.Increment(ref stored);
            return purchases.InsertOneAsync(session, new BsonDocument { ["charge_id"] = charged.ChargeId, ["user_id"] = member.Id }, cancellationToken: token);
        }

        var failed = await Record.ExceptionAsync(() => api.Ledger().ChargeWithAsync(member.Id, "catchup", 1, "purchase", (_, _, _) => throw new InvalidOperationException("storing failed"), Http.Ct));

        Assert.IsType<InvalidOperationException>(failed);
        Assert.Equal(100, await api.AssertInvariantAsync(member.Id));
        Assert.Single(await api.EntriesAsync(member.Id));

        var charged = Assert.IsType<ChargeResult.Charged>(await api.Ledger().ChargeWithAsync(member.Id, "catchup", 1, "purchase", Store, Http.Ct));
        var replayed = Assert.IsType<ChargeResult.Charged>(await api.Ledger().ChargeWithAsync(member.Id, "catchup", 1, "purchase", Store, Http.Ct));

        Assert.False(charged.Replayed);
        Assert.True(replayed.Replayed);
        Assert.Equal(charged.ChargeId, replayed.ChargeId);
        Assert.Equal(1, stored);
        var purchase = Assert.Single(await purchases.Find(new BsonDocument("user_id", member.Id)).ToListAsync(Http.Ct));
        Assert.Equal(charged.ChargeId, purchase["charge_id"].AsString);
        Assert.Equal(95, await api.AssertInvariantAsync(member.Id));
    }

    [Fact]
    public async Task A_duplicate_idempotency_key_charges_once_even_when_racing()
    {
        var member = await api.MemberAsync(1_000);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => api.Ledger().ChargeAsync(member.Id, "ai_search", 1, "same-key", Http.Ct)));
        var again = await api.Ledger().ChargeAsync(member.Id, "ai_search", 1, "same-key", Http.Ct);

        var charges = results.Append(again).Select(r => Assert.IsType<ChargeResult.Charged>(r)).ToList();
        var first = Assert.Single(charges, c => !c.Replayed);
        Assert.All(charges, c => Assert.Equal(first with { Replayed = c.Replayed }, c));
        Assert.True(charges[^1].Replayed);
        Assert.Equal(998, (await api.StoredMemberAsync(member.Id))["credits_balance"].ToInt32());
        Assert.Single(await api.EntriesAsync(member.Id), e => e["transaction_type"] == "deduct");
    }

    [Fact]
    public async Task A_refund_happens_once_and_never_exceeds_the_charge()
    {
        var member = await api.MemberAsync(100);
        var charge = Assert.IsType<ChargeResult.Charged>(await api.Ledger().ChargeAsync(member.Id, "catchup", 2, "k", Http.Ct));

        Assert.Equal(new RefundResult.ExceedsCharge(10), await api.Ledger().RefundAsync(charge.ChargeId, "Search failed", 11, Http.Ct));
        var refunds = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => api.Ledger().RefundAsync(charge.ChargeId, "Search failed", 4, Http.Ct)));
        var full = await api.Ledger().RefundAsync(charge.ChargeId, "Search failed", null, Http.Ct);

        var refunded = Assert.IsType<RefundResult.Refunded>(refunds[0]);
        Assert.Equal(4, refunded.Amount);
        Assert.Equal(94, refunded.Balance);
        Assert.All(refunds.Append(full), r => Assert.Equal(refunded, r));
        Assert.IsType<RefundResult.ChargeNotFound>(await api.Ledger().RefundAsync(ObjectId.GenerateNewId().ToString(), "x", null, Http.Ct));
        Assert.Single(await api.EntriesAsync(member.Id), e => e["transaction_type"] == "refund");
        Assert.Equal(94, await api.AssertInvariantAsync(member.Id));
    }

    [Fact]
    public async Task Only_charges_are_refunded_and_never_to_an_ended_membership()
    {
        var member = await api.MemberAsync(100);
        var (_, admin) = await api.SignedInClientAsync(Roles.Admin);
        var adjusted = await (await admin.PostJsonAsync($"/api/admin/beta/members/{member.Id}/credits", new { amount = -30, reason = "Correction of a duplicate grant" })).ReadJsonAsync();
        var charge = Assert.IsType<ChargeResult.Charged>(await api.Ledger().ChargeAsync(member.Id, "catchup", 1, "k", Http.Ct));

        Assert.IsType<RefundResult.ChargeNotFound>(await api.Ledger().RefundAsync(adjusted["transactionId"]!.GetValue<string>(), "Not a charge", null, Http.Ct));
        Assert.Equal(HttpStatusCode.NoContent, (await api.ClientFor(member).DeleteAsync("/api/beta/me", Http.Ct)).StatusCode);
        var forfeit = Assert.Single(await api.EntriesAsync(member.Id), e => e["reason"] == "withdrawn");
        Assert.IsType<RefundResult.ChargeNotFound>(await api.Ledger().RefundAsync(forfeit["_id"].ToString()!, "Not a charge", null, Http.Ct));
        Assert.IsType<RefundResult.NotAMember>(await api.Ledger().RefundAsync(charge.ChargeId, "Recap failed", null, Http.Ct));

        Assert.DoesNotContain(await api.EntriesAsync(member.Id), e => e["transaction_type"] == "refund");
        Assert.Equal(0, await api.AssertInvariantAsync(member.Id));
    }

    [Fact]
    public async Task A_charge_too_large_to_count_is_insufficient_not_an_error()
    {
        var member = await api.MemberAsync(100);

        var result = await api.Ledger().ChargeAsync(member.Id, "catchup", int.MaxValue, "huge", Http.Ct);

        Assert.Equal(100, Assert.IsType<ChargeResult.Insufficient>(result).Balance);
        Assert.Equal(100, await api.AssertInvariantAsync(member.Id));
    }

    [Fact]
    public async Task Crossing_the_low_balance_threshold_is_recorded_once_and_a_grant_resets_it()
    {
        var admin = api.ClientFor(await api.SignUpAsync(role: "admin"));
        var member = await api.MemberAsync(502);

        await api.Ledger().ChargeAsync(member.Id, "ai_search", 1, "a", Http.Ct);
        Assert.False((await api.StoredMemberAsync(member.Id)).GetValue("low_balance", false).AsBoolean);
        await api.Ledger().ChargeAsync(member.Id, "ai_search", 1, "b", Http.Ct);
        await api.Ledger().ChargeAsync(member.Id, "ai_search", 1, "c", Http.Ct);

        Assert.True((await api.StoredMemberAsync(member.Id)).GetValue("low_balance", false).AsBoolean);
        Assert.Single(await api.StoredEventsAsync(new BsonDocument { ["user_id"] = member.Id, ["event_type"] = "beta_low_balance" }));
        Assert.Equal(HttpStatusCode.OK, (await admin.AdjustAsync(member.Id, 100)).StatusCode);
        Assert.False((await api.StoredMemberAsync(member.Id)).GetValue("low_balance", false).AsBoolean);
    }

    [Fact]
    public async Task Spending_above_the_hourly_alert_records_one_high_event()
    {
        var member = await api.MemberAsync(5_000);

        for (var i = 0; i < 4; i++)
        {
            Assert.IsType<ChargeResult.Charged>(await api.Ledger().ChargeAsync(member.Id, "catchup", 100, $"big-{i}", Http.Ct));
        }

        var events = await api.StoredEventsAsync(new BsonDocument { ["user_id"] = member.Id, ["event_type"] = "beta_hourly_spend_exceeded" });
        Assert.Equal("high", Assert.Single(events)["severity"].AsString);
    }
}
