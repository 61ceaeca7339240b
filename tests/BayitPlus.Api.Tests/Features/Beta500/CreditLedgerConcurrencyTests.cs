using System.Collections.Concurrent;
using System.Net;
using BayitPlus.Api.Infrastructure.Credits;
using BayitPlus.Api.Tests.Support;

namespace BayitPlus.Api.Tests.Features.Beta500;

public sealed class CreditLedgerConcurrencyTests(ApiFactory api)
{
    private static readonly string[] Features = ["ai_search", "recommendations", "catchup"];

    [Fact]
    public async Task Two_thousand_parallel_mixed_operations_keep_every_ledger_exact()
    {
        var admin = api.ClientFor(await api.SignUpAsync(role: "admin"));
        var members = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => api.MemberAsync(3_000)));
        var clients = members.ToDictionary(m => m.Id, api.ClientFor);
        var sessions = new ConcurrentDictionary<string, string>();
        foreach (var member in members)
        {
            var started = await (await clients[member.Id].PostJsonAsync("/api/beta/sessions", new { feature = "live_dubbing" })).ReadJsonAsync();
            sessions[member.Id] = started["sessionId"]!.GetValue<string>();
        }

        var charges = new ConcurrentBag<ChargeResult.Charged>();
        var outcomes = new ConcurrentDictionary<string, int>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 2_000), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = Http.Ct }, async (i, ct) =>
        {
            var random = new Random(i);
            var member = members[random.Next(members.Length)];
            string outcome;
            switch (i % 10)
            {
                case <= 4:
                    // Keys repeat across operations, so many charges are retries of an earlier one.
                    var result = await api.Ledger().ChargeAsync(member.Id, Features[i % 3], 1 + random.Next(3), $"key-{random.Next(300)}", ct);
                    if (result is ChargeResult.Charged charged)
                    {
                        charges.Add(charged);
                    }

                    outcome = result.GetType().Name;
                    break;
                case <= 6:
                    var earlier = charges.Skip(random.Next(Math.Max(1, charges.Count))).FirstOrDefault();
                    outcome = earlier is null ? "nothing" : (await api.Ledger().RefundAsync(earlier.ChargeId, "Feature failed", random.Next(2) == 0 ? null : 1, ct)).GetType().Name;
                    break;
                case 7:
                    var adjusted = await admin.AdjustAsync(member.Id, random.Next(2) == 0 ? 40 : -60, "Parallel adjustment test");
                    outcome = adjusted.StatusCode.ToString();
                    Assert.True(adjusted.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, await adjusted.Content.ReadAsStringAsync(ct));
                    break;
                default:
                    var checkpoint = await clients[member.Id].PostAsync($"/api/beta/sessions/{sessions[member.Id]}/checkpoint", null, ct);
                    outcome = "checkpoint " + checkpoint.StatusCode;
                    Assert.True(checkpoint.StatusCode == HttpStatusCode.OK, await checkpoint.Content.ReadAsStringAsync(ct));
                    break;
            }

            outcomes.AddOrUpdate(outcome, 1, (_, n) => n + 1);
        });

        Assert.True(outcomes.GetValueOrDefault(nameof(ChargeResult.Charged)) > 500, string.Join(", ", outcomes));
        Assert.True(outcomes.GetValueOrDefault(nameof(RefundResult.Refunded)) > 100, string.Join(", ", outcomes));
        foreach (var member in members)
        {
            await api.AssertInvariantAsync(member.Id);
            var entries = await api.EntriesAsync(member.Id);
            var deducts = entries.Where(e => e["transaction_type"] == "deduct").ToDictionary(e => e["_id"].AsObjectId.ToString());
            Assert.All(
                deducts.Values.Where(e => e["metadata"].AsBsonDocument.Contains("idempotency_key")).GroupBy(e => e["metadata"]["idempotency_key"].AsString),
                g => Assert.Single(g));
            var refunds = entries.Where(e => e["transaction_type"] == "refund").GroupBy(e => e["metadata"]["charge_id"].AsString).ToList();
            Assert.All(refunds, g => Assert.True(g.Count() == 1 && g.Single()["amount"].ToInt32() <= deducts[g.Key]["amount"].ToInt32()));

            // Each second a session charged is in the ledger once: its entries add up to what it says it charged.
            var ended = await (await clients[member.Id].PostAsync($"/api/beta/sessions/{sessions[member.Id]}/end", null, Http.Ct)).ReadJsonAsync();
            var metered = (await api.EntriesAsync(member.Id))
                .Where(e => e["transaction_type"] == "deduct" && e["metadata"].AsBsonDocument.GetValue("session_id", "") == sessions[member.Id])
                .Sum(e => e["amount"].ToInt32());
            Assert.Equal(ended["creditsCharged"]!.GetValue<int>(), metered);
        }

        // Every answer naming a charge says the same of it, and exactly one of them made it.
        Assert.All(charges.GroupBy(c => c.ChargeId), g =>
        {
            Assert.Single(g.Select(c => c with { Replayed = false }).Distinct());
            Assert.Single(g, c => !c.Replayed);
        });
        await api.AssertReconciledAsync(admin, members.Select(member => member.Id));
    }
}
